import { IsOptional, IsInt, Length, MaxLength } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { Pence } from "../../shared/money";
import { LocalDate } from "../../shared/time";
import { RateType, Unit } from "../reference";
import { SourceKind } from "./pricing.enums";

@InputType()
export class SetReferenceRateInput {
  @Field()
  @MaxLength(9)
  fundingBodyCode!: string;

  @Field()
  @MaxLength(40)
  categoryCode!: string;

  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { nullable: true, description: "Required for VISIT rates: 30- and 45-minute rates differ." })
  @IsOptional()
  @IsInt()
  visitMinutes?: number | null;

  @Field(() => RateType, { defaultValue: RateType.STANDARD })
  rateType!: RateType;

  @Field(() => Pence)
  ratePence!: number;

  @Field(() => LocalDate, { description: "The first day of this version; an open version that began earlier ends the day before." })
  validFrom!: string;

  @Field(() => LocalDate, { nullable: true, description: "The last day, inclusive; none: until the next version." })
  validTo?: string | null;

  @Field(() => SourceKind, { defaultValue: SourceKind.COUNCIL_DP_RATE })
  sourceKind!: SourceKind;

  @Field({ description: "Where the rate was published." })
  @Length(1, 500)
  source!: string;
}

@InputType()
export class ImportReferenceRatesInput {
  @Field({ description: "A rate card in the columns of reference-rates.csv, header included." })
  @MaxLength(2_000_000)
  csv!: string;

  @Field({ defaultValue: false, description: "Check and report only; import nothing." })
  dryRun!: boolean;
}
