import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType, UserError } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { LocalDate } from "../../shared/time";
import { RateType, Unit } from "../reference";
import { ReferenceBasis, SourceKind } from "./pricing.enums";

registerEnumType(SourceKind, {
  name: "SourceKind",
  valuesConfig: {
    COUNCIL_DP_RATE: { description: "The funding body's direct-payment rate." },
    COUNCIL_FRAMEWORK_RATE: { description: "The funding body's framework (contracted) rate." },
    MINIMUM_PRICE: { description: "A minimum sustainable price (e.g. the Homecare Association's)." },
    NATIONAL_AVERAGE: { description: "A national average fee." },
  },
});

registerEnumType(ReferenceBasis, {
  name: "ReferenceBasis",
  description: "What a reference rate stands for in a comparison.",
  valuesConfig: {
    PUBLISHED: { description: "The funding body's own rate for the price's rate type." },
    FALLBACK_STANDARD: {
      description: "The funding body publishes no rate for the price's rate type: its STANDARD rate for the category and unit stands in.",
    },
  },
});

@ObjectType({ implements: Node, simpleResolvers: true, description: "One effective-dated version of what a funding body pays for a unit of a category." })
export class ReferenceRate extends Node {
  @Field(() => Unit)
  unit!: Unit;

  @Field(() => Int, { nullable: true })
  visitMinutes!: number | null;

  @Field(() => RateType)
  rateType!: RateType;

  @Field(() => Pence)
  ratePence!: number;

  @Field(() => LocalDate)
  validFrom!: string;

  @Field(() => LocalDate, { nullable: true, description: "Inclusive; null while it is the current version." })
  validTo!: string | null;

  @Field(() => SourceKind)
  sourceKind!: SourceKind;

  @Field()
  source!: string;
}

@ObjectType({ description: "A price against the funding body's reference rate in force on the day." })
export class PriceComparison {
  @Field(() => ReferenceRate)
  referenceRate!: object;

  @Field(() => ReferenceBasis, { description: "PUBLISHED, or FALLBACK_STANDARD where the STANDARD rate stands in for the price's rate type." })
  basis!: ReferenceBasis;

  @Field(() => Pence, { description: "The reference price of one unit (an hourly rate pro rata for a visit)." })
  referencePence!: number;

  @Field(() => Pence, { description: "price − reference: positive is a premium over the rate." })
  differencePence!: number;

  @Field(() => Float, { description: "differencePence as a percentage of the reference, to one decimal." })
  differencePercent!: number;

  @Field(() => Pence, { description: "reference − price: the saving per unit (negative: a premium)." })
  savingPence!: number;

  @Field(() => Pence, { nullable: true, description: "England's minimum price for the category, when there is one." })
  minimumPricePence!: number | null;

  @Field({ description: "Priced below the minimum price: a sustainability risk." })
  belowMinimumPrice!: boolean;

  @Field(() => Pence, {
    nullable: true,
    description: "For a personal assistant's price (PA_SUPPORT): the National Living Wage in force on the day, per unit (pro rata for a visit).",
  })
  legalMinimumPence!: number | null;

  @Field({ description: "A personal assistant's price below the National Living Wage: the PA could not lawfully be employed at it." })
  belowLegalMinimum!: boolean;
}

@ObjectType()
export class ImportReferenceRatesPayload {
  @Field(() => Int, { description: "New versions (0 when anything failed, or on a dry run that would create them)." })
  created!: number;

  @Field(() => Int, { description: "Rows already present, left alone." })
  unchanged!: number;

  @Field(() => Int, { description: "Open versions that new ones closed." })
  closed!: number;

  @Field()
  dryRun!: boolean;

  @Field(() => [UserError], { description: "One per problem, with the CSV line in `field` and the message." })
  userErrors!: UserError[];
}

export const SetReferenceRatePayload = payloadType("SetReferenceRatePayload", "referenceRate", ReferenceRate);
