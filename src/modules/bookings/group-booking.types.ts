import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { GroupSplit } from "./booking.enums";

registerEnumType(GroupSplit, { name: "GroupSplit" });

@ObjectType({ implements: Node, simpleResolvers: true, description: "One session for several care-home residents, each paying a share from their own budget." })
export class GroupBooking extends Node {
  @Field()
  startsAt!: Date;

  @Field(() => String, { nullable: true })
  recurrence!: string | null;

  @Field(() => Float)
  unitsPerSession!: number;

  @Field(() => GroupSplit)
  split!: GroupSplit;

  @Field(() => Pence, { description: "What one session costs in all." })
  sessionPricePence!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: "A resident's share of a group session, against buying the same session alone." })
export class GroupParticipant {
  /** Resolved to the Booking by the field resolver. */
  bookingId!: string;

  @Field(() => Pence, { description: "Their share of one session." })
  sharePence!: number;

  @Field(() => Pence, { description: "What the same session would cost them alone." })
  alonePence!: number;

  @Field(() => Pence, { description: "alonePence − sharePence." })
  savingPence!: number;
}

export const CreateGroupBookingPayload = payloadType("CreateGroupBookingPayload", "groupBooking", GroupBooking);
