/**
 * The rules of booking, as pure functions: the status transitions, and what a budget may buy
 * (each refusal cites its source; some purchases need a commissioner's approval instead).
 */
import { fail, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { costPence, formatPounds, isHundredths } from "../../shared/money";
import { londonDate } from "../../shared/time";
import { BudgetManagement } from "../budgets";
import { BudgetKind, CategoryPurpose } from "../reference";
import { ListingSetting } from "../listings";
import { ApprovalReason, BookingStatus, PayeeRelationship } from "./booking.enums";

export type BookingAction = "approve" | "reject" | "confirm" | "decline" | "cancel" | "complete";

/** From which statuses each action may move a booking. The UPDATE's WHERE enforces it. */
export const TRANSITIONS: Record<BookingAction, { from: BookingStatus[]; to: BookingStatus }> = {
  approve: { from: [BookingStatus.PENDING_APPROVAL], to: BookingStatus.REQUESTED },
  reject: { from: [BookingStatus.PENDING_APPROVAL], to: BookingStatus.DECLINED },
  confirm: { from: [BookingStatus.REQUESTED], to: BookingStatus.CONFIRMED },
  decline: { from: [BookingStatus.REQUESTED], to: BookingStatus.DECLINED },
  cancel: { from: [BookingStatus.PENDING_APPROVAL, BookingStatus.REQUESTED, BookingStatus.CONFIRMED], to: BookingStatus.CANCELLED },
  complete: { from: [BookingStatus.CONFIRMED], to: BookingStatus.COMPLETED },
};

/** A final status: no action leaves it (declined, cancelled, completed). Read from the table above. */
export function isFinalStatus(status: BookingStatus): boolean {
  return !Object.values(TRANSITIONS).some((t) => t.from.includes(status));
}

/** Where an action leads; an approved booking the provider already agreed to (from a quote) is confirmed. */
export function targetStatus(action: BookingAction, fromQuote: boolean): BookingStatus {
  return action === "approve" && fromQuote ? BookingStatus.CONFIRMED : TRANSITIONS[action].to;
}

/** The status of a new booking. */
export function initialStatus(approvalReasons: ApprovalReason[], fromQuote: boolean): BookingStatus {
  if (approvalReasons.length > 0) return BookingStatus.PENDING_APPROVAL;
  return fromQuote ? BookingStatus.CONFIRMED : BookingStatus.REQUESTED;
}

export function invalidTransition(action: BookingAction, status: BookingStatus): UserErrorData {
  return {
    code: UserErrorCode.INVALID_TRANSITION,
    message: `A ${status} booking cannot be ${PAST[action]}; that needs ${TRANSITIONS[action].from.join(" or ")}.`,
    field: ["bookingId"],
  };
}

const PAST: Record<BookingAction, string> = {
  approve: "approved",
  reject: "rejected",
  confirm: "confirmed",
  decline: "declined",
  cancel: "cancelled",
  complete: "completed",
};

/** Care and Support (Direct Payments) Regulations 2014 reg. 8: care-home stays by direct payment up to 4 weeks. */
export const MAX_DIRECT_PAYMENT_CARE_HOME_DAYS = 28;

export interface BookingFacts {
  budget: { kind: BudgetKind; management: BudgetManagement; periodStart: string; periodEnd: string; coveredCategories: string[] };
  category: { code: string; name: string; purpose: CategoryPurpose; regulated: boolean; allowedFor: BudgetKind[] };
  provider: { cqcLocationId: string | null };
  listing: { setting: ListingSetting };
  /** In time order, at least one. */
  visits: { startsAt: Date; endsAt: Date }[];
  payeeRelationship: PayeeRelationship;
  totalCostPence: number;
  /** The funding body's threshold above which a life-improving purchase needs approval; null for none. */
  lifeImprovingThresholdPence: number | null;
}

export interface Assessment {
  refusals: UserErrorData[];
  approvalReasons: ApprovalReason[];
}

export function assessBooking(facts: BookingFacts): Assessment {
  const { budget, category, provider, listing, visits } = facts;
  const refusals: UserErrorData[] = [];
  const refuse = (code: UserErrorCode, message: string) => refusals.push({ code, message, field: ["listingId"] });

  if (!budget.coveredCategories.includes(category.code)) {
    refuse(
      UserErrorCode.OUTSIDE_SUPPORT_PLAN,
      `${category.name} is not in the care and support plan this budget pays for (Care Act 2014 s.33(3)). Book something the plan covers, or ask for the plan to be reviewed.`,
    );
  }
  if (!category.allowedFor.includes(budget.kind)) {
    refuse(
      UserErrorCode.NOT_ALLOWED_FOR_BUDGET_KIND,
      budget.kind === BudgetKind.PERSONAL_HEALTH_BUDGET
        ? `A personal health budget may not pay for ${category.name} (National Health Service (Direct Payments) Regulations 2013).`
        : `A personal budget may not pay for ${category.name}.`,
    );
  }
  if (category.regulated && !provider.cqcLocationId) {
    refuse(
      UserErrorCode.CQC_REGISTRATION_REQUIRED,
      `${category.name} is a regulated activity and this provider has no CQC registration (Health and Social Care Act 2008). Choose a registered provider.`,
    );
  }
  const firstDay = londonDate(visits[0].startsAt);
  if (firstDay < budget.periodStart || firstDay > budget.periodEnd) {
    refusals.push({
      code: UserErrorCode.OUTSIDE_BUDGET_PERIOD,
      message: `The first visit is on ${firstDay}, outside the budget's period ${budget.periodStart} to ${budget.periodEnd}.`,
      field: ["startsAt"],
    });
  }
  const careHomePlace = category.code === "RESIDENTIAL_CARE" || (category.code === "NURSING" && listing.setting === ListingSetting.CARE_HOME);
  const stayDays = (visits[visits.length - 1].endsAt.getTime() - visits[0].startsAt.getTime()) / 86_400_000;
  if (budget.management === BudgetManagement.DIRECT_PAYMENT && careHomePlace && stayDays > MAX_DIRECT_PAYMENT_CARE_HOME_DAYS) {
    refuse(
      UserErrorCode.CARE_HOME_PLACEMENT_NOT_ALLOWED,
      `A direct payment may pay for a care-home stay of at most ${MAX_DIRECT_PAYMENT_CARE_HOME_DAYS} days (Care and Support (Direct Payments) Regulations 2014, reg. 8); this one lasts ${Math.ceil(stayDays)}. A long-term place is arranged by the council.`,
    );
  }

  const approvalReasons: ApprovalReason[] = [];
  if (facts.payeeRelationship === PayeeRelationship.SPOUSE_OR_PARTNER || facts.payeeRelationship === PayeeRelationship.CLOSE_RELATIVE_SAME_HOUSEHOLD) {
    approvalReasons.push(ApprovalReason.RELATIVE_PAYEE);
  }
  if (
    category.purpose === CategoryPurpose.LIFE_IMPROVING &&
    facts.lifeImprovingThresholdPence !== null &&
    facts.totalCostPence > facts.lifeImprovingThresholdPence
  ) {
    approvalReasons.push(ApprovalReason.LIFE_IMPROVING_ABOVE_THRESHOLD);
  }
  return { refusals, approvalReasons };
}

export function approvalExplanation(reason: ApprovalReason, thresholdPence: number | null): string {
  return reason === ApprovalReason.RELATIVE_PAYEE
    ? "The payee is a spouse or partner, or a close relative in the same household: the council must record that this is necessary (Care and Support (Direct Payments) Regulations 2014, reg. 3)."
    : `A life-improving purchase above ${formatPounds(thresholdPence ?? 0)} needs a commissioner's sign-off.`;
}

/** What a provider's shift record says was delivered (recordVisit). */
export interface ShiftRecord {
  startedAt?: Date | null;
  endedAt?: Date | null;
  units?: number | null;
}

export interface DeliveredShift {
  startedAt: Date;
  endedAt: Date;
  units: number;
  costPence: number;
  referenceCostPence: number | null;
}

/**
 * A delivered visit as its shift record describes it: times default to the booked ones, units to
 * the booked units. Other units cost units × the booking's price, or (a share of a group session)
 * the visit's cost in proportion; the reference cost follows in proportion. Rounded half up.
 */
export function deliveredShift(
  visit: { startsAt: Date; endsAt: Date; units: number; costPence: number; referenceCostPence: number | null },
  booking: { unitPricePence: number; groupBookingId: string | null },
  shift: ShiftRecord,
  now: Date,
): Result<DeliveredShift> {
  const startedAt = shift.startedAt ?? visit.startsAt;
  const endedAt = shift.endedAt ?? visit.endsAt;
  if (endedAt <= startedAt) return fail(UserErrorCode.INVALID_VALUE, "The shift must end after it starts.", ["endedAt"]);
  if (shift.endedAt && shift.endedAt > now) return fail(UserErrorCode.INVALID_VALUE, "The shift has not ended yet: record it once it has.", ["endedAt"]);
  const units = shift.units ?? visit.units;
  if (!(units > 0) || !isHundredths(units)) {
    return fail(UserErrorCode.INVALID_VALUE, "Units delivered must be more than 0, with at most two decimals; record a visit that did not happen as MISSED.", [
      "units",
    ]);
  }
  if (units === visit.units) return ok({ startedAt, endedAt, units, costPence: visit.costPence, referenceCostPence: visit.referenceCostPence });
  const inProportion = (pence: number) =>
    Math.floor((pence * Math.round(units * 100) * 2 + Math.round(visit.units * 100)) / (2 * Math.round(visit.units * 100)));
  return ok({
    startedAt,
    endedAt,
    units,
    costPence: booking.groupBookingId ? inProportion(visit.costPence) : costPence(units, booking.unitPricePence),
    referenceCostPence: visit.referenceCostPence === null ? null : inProportion(visit.referenceCostPence),
  });
}
