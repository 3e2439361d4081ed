import { ArrayMaxSize, IsInt, IsOptional, Length, Matches, MaxLength, Min } from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { Pence } from "../../shared/money";
import { RateType, Unit, Weekday } from "../reference";
import { CqcRating, ProviderKind } from "../providers";
import { END_TIME_OF_DAY, TIME_OF_DAY } from "../../shared/time";
import { ListingSetting } from "./listing.enums";

/** When and how much a provider can supply: what planning a package reads. Both inputs below extend it. */
@InputType()
abstract class ListingAvailabilityInput {
  @Field(() => Float, { nullable: true, description: "Units you can supply each week (used when planning packages)." })
  @IsOptional()
  @Min(0)
  weeklyCapacityUnits?: number | null;

  @Field(() => [Weekday], { nullable: true, description: "Days you offer it; every day by default." })
  @IsOptional()
  @ArrayMaxSize(7)
  availableDays?: Weekday[] | null;

  @Field(() => String, { nullable: true, description: "HH:MM, London time; 00:00 by default." })
  @IsOptional()
  @Matches(TIME_OF_DAY, { message: "availableFrom is a time like 08:00" })
  availableFrom?: string | null;

  @Field(() => String, { nullable: true, description: "HH:MM, London time; 24:00 by default." })
  @IsOptional()
  @Matches(END_TIME_OF_DAY, { message: "availableTo is a time like 20:00 (24:00 for midnight)" })
  availableTo?: string | null;
}

@InputType()
export class CreateListingInput extends ListingAvailabilityInput {
  @Field(() => ID, { nullable: true, description: "Defaults to the signed-in user's provider." })
  providerId?: string | null;

  @Field()
  @MaxLength(40)
  categoryCode!: string;

  @Field()
  @Length(1, 200)
  title!: string;

  @Field({ defaultValue: "" })
  @MaxLength(5000)
  description!: string;

  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { nullable: true, description: "Required for the VISIT unit." })
  @IsOptional()
  @IsInt()
  visitMinutes?: number | null;

  @Field(() => RateType, { defaultValue: RateType.STANDARD })
  rateType!: RateType;

  @Field(() => Pence)
  pricePence!: number;

  @Field(() => ListingSetting)
  setting!: ListingSetting;

  @Field(() => Int, { defaultValue: 1 })
  groupCapacity!: number;
}

/** Fields left out stay as they are. */
@InputType()
export class UpdateListingInput extends ListingAvailabilityInput {
  @Field(() => ID)
  listingId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(40)
  categoryCode?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  description?: string | null;

  @Field(() => Unit, { nullable: true })
  unit?: Unit | null;

  @Field(() => Int, { nullable: true, description: "null clears it (not allowed for VISIT)." })
  @IsOptional()
  @IsInt()
  visitMinutes?: number | null;

  @Field(() => RateType, { nullable: true })
  rateType?: RateType | null;

  @Field(() => Pence, { nullable: true })
  pricePence?: number | null;

  @Field(() => ListingSetting, { nullable: true })
  setting?: ListingSetting | null;

  @Field(() => Int, { nullable: true })
  groupCapacity?: number | null;
}

@InputType()
export class SetListingActiveInput {
  @Field(() => ID)
  listingId!: string;

  @Field()
  active!: boolean;
}

@InputType()
export class ListingFilter {
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(20)
  categoryCodes?: string[] | null;

  @Field(() => String, { nullable: true, description: "Listings available in this funding body's area (remote ones everywhere)." })
  @IsOptional()
  @MaxLength(9)
  fundingBodyCode?: string | null;

  @Field(() => String, { nullable: true, description: "Listings covering this postcode district, e.g. SW19 (remote ones everywhere)." })
  @IsOptional()
  @MaxLength(4)
  postcodeDistrict?: string | null;

  @Field(() => Pence, { nullable: true })
  @IsOptional()
  @Min(0)
  maxPricePence?: number | null;

  @Field(() => [ListingSetting], { nullable: true })
  settings?: ListingSetting[] | null;

  @Field(() => [ProviderKind], { nullable: true })
  providerKinds?: ProviderKind[] | null;

  @Field(() => CqcRating, { nullable: true, description: "Only providers rated this or better." })
  minCqcRating?: CqcRating | null;

  @Field(() => String, { nullable: true, description: "Words to find in the title or description (web-search syntax)." })
  @IsOptional()
  @MaxLength(200)
  text?: string | null;
}
