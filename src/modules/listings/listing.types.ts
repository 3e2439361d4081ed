import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { RateType, Unit, Weekday } from "../reference";
import { ListingOrder, ListingSetting } from "./listing.enums";

registerEnumType(ListingSetting, { name: "ListingSetting", description: "Where the service happens." });
registerEnumType(ListingOrder, {
  name: "ListingOrder",
  valuesConfig: {
    PRICE_ASC: { description: "Cheapest first." },
    PRICE_DESC: { description: "Dearest first." },
    NEWEST: { description: "Most recently listed first." },
    SAVING_DESC: { description: "Biggest saving against filter.fundingBodyCode's rate first (in percent); listings without a rate last." },
  },
});

@ObjectType({ implements: Node, simpleResolvers: true, description: "A service offered at a price per unit." })
export class Listing extends Node {
  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { nullable: true, description: "Length of one VISIT in minutes." })
  visitMinutes!: number | null;

  @Field(() => RateType)
  rateType!: RateType;

  @Field(() => Pence, { description: "Price of one unit, in pence." })
  pricePence!: number;

  @Field(() => ListingSetting)
  setting!: ListingSetting;

  @Field(() => Int, { description: "People served together in one session (1 unless a group session)." })
  groupCapacity!: number;

  @Field(() => Float, { nullable: true, description: "Units the provider can supply each week; null: not stated." })
  weeklyCapacityUnits!: number | null;

  @Field(() => [Weekday])
  availableDays!: Weekday[];

  @Field({ description: "Available from (London time, HH:MM)." })
  availableFrom!: string;

  @Field({ description: "Available until (London time, HH:MM; 24:00 is midnight)." })
  availableTo!: string;

  @Field()
  active!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

export const ListingConnection = connectionType(Listing);
export const CreateListingPayload = payloadType("CreateListingPayload", "listing", Listing);
export const UpdateListingPayload = payloadType("UpdateListingPayload", "listing", Listing);
export const SetListingActivePayload = payloadType("SetListingActivePayload", "listing", Listing);
