import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { Pence } from "../../shared/money";
import { LocalDate } from "../../shared/time";
import { ReferenceRate } from "../pricing";
import { ReportDimension } from "./report.enums";
import type { BudgetForecastRecord } from "./forecast.queries";
import type { EfficiencyGroupRecord, EfficiencyMeasuresRecord } from "./report.queries";
import type { DistributionRecord, EfficiencyReportRecord, EfficiencyRowRecord, PriceBandRecord } from "./report.service";

registerEnumType(ReportDimension, { name: "ReportDimension" });

/**
 * Where savings went, over delivered visits (DOMAIN.md, "Savings accounting"). Money columns add
 * up across rows to the totals; client and booking counts are distinct, so they need not.
 */
@ObjectType()
export class EfficiencyMeasures implements EfficiencyMeasuresRecord {
  @Field(() => Pence, { description: "What the visits with a reference rate cost." })
  sourcedCostPence!: number;

  @Field(() => Pence, { description: "What those visits would have cost at the funding body's rate in force on each day (as known when delivered)." })
  referenceCostPence!: number;

  @Field(() => Pence, { description: "What the visits with a reference rate cost.", deprecationReason: "Use sourcedCostPence (API.md's name)." })
  sourcedPence!: number;

  @Field(() => Pence, {
    description: "What those visits would have cost at the funding body's rate in force on each day.",
    deprecationReason: "Use referenceCostPence (API.md's name).",
  })
  referencePence!: number;

  @Field(() => Pence, { description: "Sum of each visit's saving below the rate (premiums are not netted)." })
  savingPence!: number;

  @Field(() => Pence, { description: "Sum of each visit's premium above the rate." })
  premiumPence!: number;

  @Field(() => Float, { nullable: true, description: "savingPence as a percentage of referencePence; null without references." })
  savingPercent!: number | null;

  @Field(() => Pence, { description: "Savings handed back to the funder (gain policy RETURN or SHARE)." })
  returnedPence!: number;

  @Field(() => Pence, { description: "Retained savings still unspent: min(retained, available)." })
  reservedPence!: number;

  @Field(() => Pence, { description: "Retained savings that funded more support: the effect that hides savings today." })
  absorbedPence!: number;

  @Field(() => Pence, {
    nullable: true,
    description:
      "Brokerage fees of packages agreed in the period, whoever paid them. Null in rows grouped by CATEGORY, PROVIDER_KIND or PURPOSE: a package buys several, so only the totals carry it.",
  })
  brokerageCostPence!: number | null;

  @Field(() => Pence, { nullable: true, description: "Saving less premium less brokerage; null where brokerage is." })
  netSavingAfterBrokeragePence!: number | null;

  @Field(() => Int)
  visits!: number;

  @Field(() => Int, {
    nullable: true,
    description:
      "Open budgets whose period meets the report's, overdue for review today (rule 7). A budget's, not a visit's: only the totals (and an ungrouped report's row) carry it; null in grouped rows.",
  })
  reviewsOverdue!: number | null;

  @Field(() => Int, { description: "Delivered visits with no reference rate that day: counted apart." })
  visitsWithoutReference!: number;

  @Field(() => Pence)
  spendWithoutReferencePence!: number;

  @Field(() => Int)
  bookings!: number;

  @Field(() => Int)
  clients!: number;

  @Field(() => Int, { description: "Clients who had no support before their budget." })
  newToSupportClients!: number;

  @Field(() => Pence)
  newToSupportSpendPence!: number;

  @Field(() => Pence, { description: "Spent on bookings whose payee is a relative." })
  relativePayeeSpendPence!: number;

  @Field(() => Int, { description: "Bookings priced below the minimum price on some visit's day." })
  belowMinimumPriceBookings!: number;

  @Field(() => Int, {
    description:
      "Delivered visits priced against the funding body's STANDARD rate because it publishes none for their rate type (basis FALLBACK_STANDARD); counted in the referenced figures above too.",
  })
  visitsWithFallbackReference!: number;

  @Field(() => Pence, { description: "What those fallback-priced visits cost (part of sourcedCostPence)." })
  fallbackReferenceSpendPence!: number;

  @Field(() => Pence, {
    description:
      "Care-home pooling: what residents saved by sharing group sessions rather than each paying alone (per delivered share, the session's price less the share).",
  })
  poolingSavingPence!: number;

  @Field(() => Pence, { description: "Delivered spend confirmed by the client, the window or a rejected dispute, net of reversals." })
  confirmedPence!: number;

  @Field(() => Pence, { description: "Delivered spend neither confirmed nor disputed yet." })
  awaitingConfirmationPence!: number;

  @Field(() => Pence, { description: "Delivered spend disputed, waiting for the commissioner." })
  disputedPence!: number;

  @Field(() => Pence, { description: "Spend reversed by upheld disputes and commissioners' corrections." })
  upheldPence!: number;

  @Field(() => Pence, { description: "Paid on statements the funding body has paid (corrections deducted)." })
  paidPence!: number;

  @Field(() => Pence, {
    description: "Closed budgets' surplus fixed at close: a budget's figure, shared over its groups by its delivered visits in each (as are the three below).",
  })
  surplusPence!: number;

  @Field(() => Pence, { description: "Surplus repaid to the funder at close (CLAWBACK)." })
  reclaimedPence!: number;

  @Field(() => Pence, { description: "Surplus carried to the next period's budget at close." })
  carriedForwardPence!: number;

  @Field(() => Pence, { description: "Open budgets' projected surplus at period end (Budget.forecast); negative: an overspend ahead." })
  projectedSurplusPence!: number;
}

@ObjectType({ description: "An open budget's forecast to its period's end (DOMAIN.md, \"Forecasts\")." })
export class BudgetForecast implements BudgetForecastRecord {
  @Field(() => Pence, { description: "Delivered spend over the four complete weeks before today (within the period), per week." })
  weeklySpendPence!: number;

  @Field(() => Pence, { description: "Spent + committed + the weekly rate over the days no scheduled visit covers, to period end." })
  projectedSpendPence!: number;

  @Field(() => Pence, { description: "available − the weekly rate over those days; negative: an overspend ahead." })
  projectedSurplusPence!: number;
}

@ObjectType({ description: "The group a row measures; fields not grouped by are null." })
export class EfficiencyGroup implements EfficiencyGroupRecord {
  @Field(() => String, { nullable: true })
  categoryCode!: string | null;

  @Field(() => String, { nullable: true, description: "YYYY-MM, London time." })
  month!: string | null;

  @Field(() => String, { nullable: true })
  providerKind!: string | null;

  @Field(() => String, { nullable: true })
  budgetKind!: string | null;

  @Field(() => String, { nullable: true })
  ageBand!: string | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;
}

@ObjectType()
export class EfficiencyRow implements EfficiencyRowRecord {
  @Field(() => EfficiencyGroup)
  group!: EfficiencyGroup;

  @Field(() => EfficiencyMeasures)
  measures!: EfficiencyMeasures;
}

@ObjectType()
export class EfficiencyReport implements EfficiencyReportRecord {
  @Field()
  fundingBodyCode!: string;

  @Field(() => LocalDate)
  from!: string;

  @Field(() => LocalDate)
  to!: string;

  @Field(() => [ReportDimension])
  groupBy!: ReportDimension[];

  @Field(() => [EfficiencyRow])
  rows!: EfficiencyRow[];

  @Field(() => EfficiencyMeasures)
  totals!: EfficiencyMeasures;
}

@ObjectType()
export class PriceBand implements PriceBandRecord {
  @Field(() => Int, { description: "Percent from the reference rate, inclusive (e.g. -10)." })
  fromPercent!: number;

  @Field(() => Int, { description: "Exclusive (e.g. -5)." })
  toPercent!: number;

  @Field(() => Int)
  count!: number;

  @Field(() => Float)
  share!: number;
}

@ObjectType({ description: "How prices sit around the reference rate." })
export class Distribution implements DistributionRecord {
  @Field(() => Int, { description: "Prices with a reference rate to compare with." })
  compared!: number;

  @Field(() => Int)
  withoutReference!: number;

  @Field(() => Float, { description: "Share priced exactly at the rate: anchoring at the cap." })
  atRateShare!: number;

  @Field(() => Float, { description: "Share priced below the minimum price." })
  belowMinimumShare!: number;

  @Field(() => [PriceBand], { description: "Bands of 5%, cheapest first; only bands with prices." })
  bands!: PriceBand[];
}

@ObjectType()
export class PriceDistribution {
  @Field()
  fundingBodyCode!: string;

  @Field()
  categoryCode!: string;

  @Field(() => LocalDate)
  on!: string;

  @Field(() => [ReferenceRate], { description: "The funding body's rates for the category in force that day." })
  referenceRates!: object[];

  @Field(() => Distribution, { description: "Active listings serving the funding body's area." })
  listings!: Distribution;

  @Field(() => Distribution, { description: "Unit prices of the funding body's bookings (not declined or cancelled), on their first visit's day." })
  bookings!: Distribution;
}
