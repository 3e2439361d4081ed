import { ArrayMaxSize, ArrayMinSize, IsOptional, Matches, Max, Min, ValidateNested } from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { CqcRating } from "../providers";
import { END_TIME_OF_DAY, TIME_OF_DAY } from "../../shared/time";
import { Unit, Weekday } from "../reference";

@InputType({ description: "A need of the support plan: what, how much a week, and when." })
export class NeedInput {
  @Field()
  categoryCode!: string;

  @Field(() => Float, { description: "Units a week (hours by default)." })
  @Min(0.25)
  @Max(168)
  unitsPerWeek!: number;

  @Field(() => Unit, { defaultValue: Unit.HOUR, description: "Hourly needs may also be met by visits, pro rata." })
  unit!: Unit;

  @Field(() => [Weekday], { nullable: true, description: "Days it is needed on; the listing must be available on each." })
  @IsOptional()
  @ArrayMaxSize(7)
  days?: Weekday[] | null;

  @Field(() => String, { nullable: true, description: "From HH:MM (London time)." })
  @IsOptional()
  @Matches(TIME_OF_DAY, { message: "from is a time like 08:00" })
  from?: string | null;

  @Field(() => String, { nullable: true, description: "Until HH:MM (24:00 for midnight)." })
  @IsOptional()
  @Matches(END_TIME_OF_DAY, { message: "to is a time like 20:00" })
  to?: string | null;

  @Field(() => CqcRating, { nullable: true, description: "Only providers rated this or better." })
  minCqcRating?: CqcRating | null;
}

@InputType()
export class PlanPackageInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => ID)
  budgetId!: string;

  @Field(() => [NeedInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  needs!: NeedInput[];

  @Field(() => Int, { nullable: true, description: "At most this many different providers (continuity of care)." })
  @IsOptional()
  @Min(1)
  maxProviders?: number | null;
}
