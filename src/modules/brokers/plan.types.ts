import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Pence } from "../../shared/money";
import { UnmetReason } from "./plan.enums";
import { Weekday } from "../reference";
import type { PlannedSchedule as PlannedScheduleRecord } from "./plan-schedule.rules";
import type { PackagePlanRecord, PlannedItemRecord, UnmetNeedRecord } from "./plan.service";

export { UnmetReason };

registerEnumType(UnmetReason, { name: "UnmetReason" });

@ObjectType({ description: "When a planned item's visits happen: startsAt, recurrence and unitsPerVisit go to addPackageItem as they are." })
export class PlannedSchedule implements PlannedScheduleRecord {
  @Field({ description: "The first visit." })
  startsAt!: Date;

  @Field({ description: "RRULE of the visits (London wall-clock time), without an end: they run to the budget period's end." })
  recurrence!: string;

  @Field(() => Float)
  unitsPerVisit!: number;

  @Field(() => [Weekday])
  days!: Weekday[];

  @Field({ description: "HH:MM, London time." })
  from!: string;

  @Field({ description: "HH:MM; past 24:00 when a visit runs overnight." })
  to!: string;
}

@ObjectType()
export class PlannedItem implements PlannedItemRecord {
  @Field(() => Int, { description: "Index of the need it meets." })
  need!: number;

  /** Resolved to a Listing by the field resolver. */
  listingId!: string;

  @Field(() => Float, { description: "Units a week of the listing's own unit." })
  listingUnitsPerWeek!: number;

  @Field(() => Pence)
  weeklyCostPence!: number;

  @Field(() => Pence, { description: "weeklyCostPence over the weeks of the plan." })
  periodCostPence!: number;

  @Field(() => Pence, { nullable: true, description: "The same units at the funding body's rate; null without one." })
  periodReferenceCostPence!: number | null;

  @Field(() => PlannedSchedule, {
    description: "A weekly schedule inside the listing's days and hours, the need's, and its rate type's time band, listingUnitsPerWeek a week.",
  })
  schedule!: PlannedSchedule;
}

@ObjectType()
export class UnmetNeed implements UnmetNeedRecord {
  @Field(() => Int, { nullable: true, description: "The need; null when it is the plan as a whole." })
  need!: number | null;

  @Field(() => UnmetReason)
  reason!: UnmetReason;

  @Field()
  message!: string;

  @Field(() => Pence, { nullable: true, description: "What meeting it would cost over the plan's weeks, when known." })
  costPence!: number | null;
}

@ObjectType({ description: "The cheapest set of listings meeting every need within the budget, or why there is none." })
export class PackagePlan implements PackagePlanRecord {
  @Field()
  feasible!: boolean;

  @Field({ description: "False when the solver's time ran out first: a good plan, not proven the cheapest." })
  provenCheapest!: boolean;

  @Field(() => Int, { description: "Weeks from today (or the period's start) to the budget period's end." })
  weeks!: number;

  @Field(() => [PlannedItem], { description: "The plan; when it does not fit the money, the cheapest plan that meets every need." })
  items!: PlannedItem[];

  @Field(() => Pence)
  weeklyCostPence!: number;

  @Field(() => Pence)
  periodCostPence!: number;

  @Field(() => Pence)
  periodReferenceCostPence!: number;

  @Field(() => Pence, { description: "periodReferenceCostPence less the cost of the items with a reference." })
  savingPence!: number;

  @Field(() => Pence)
  availablePence!: number;

  @Field(() => Int)
  providers!: number;

  @Field(() => Int, { description: "Listings considered." })
  candidates!: number;

  @Field(() => [UnmetNeed])
  unmet!: UnmetNeed[];
}

export const PlanPackagePayload = payloadType("PlanPackagePayload", "plan", PackagePlan);
