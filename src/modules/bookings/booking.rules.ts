/**
 * The rules of booking, as pure functions: the status transitions, and what a budget may buy
 * (each refusal cites its source; some purchases need a commissioner's approval instead).
 */
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { formatPounds } from "../../shared/money";
import { londonDate } from "../../shared/time";
import { BudgetManagement } from "../budgets";
import { BudgetKind, CategoryPurpose } from "../reference";
import type { ListingSetting } from "../listings";
import { ApprovalDecision, ApprovalReason, BookingStatus, PayeeRelationship } from "./booking.enums";
import { careHomeExcess, careHomeRefusal, isCareHomePlace, type Stay } from "./care-home.rules";

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

/**
 * Where an action leads; an approved booking the provider already agreed to (it came from a quote,
 * or the provider confirmed it and its declaration sent it for approval) is confirmed.
 */
export function targetStatus(action: BookingAction, providerAgreed: boolean): BookingStatus {
  return action === "approve" && providerAgreed ? BookingStatus.CONFIRMED : TRANSITIONS[action].to;
}

/** A payee the council must agree to (reg. 3): a spouse or partner, or a close relative in the same household. */
export function needsCouncilAgreement(relationship: PayeeRelationship): boolean {
  return relationship === PayeeRelationship.SPOUSE_OR_PARTNER || relationship === PayeeRelationship.CLOSE_RELATIVE_SAME_HOUSEHOLD;
}

const CLOSENESS: PayeeRelationship[] = [
  PayeeRelationship.NONE,
  PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE,
  PayeeRelationship.CLOSE_RELATIVE_SAME_HOUSEHOLD,
  PayeeRelationship.SPOUSE_OR_PARTNER,
];

/** The closer of two declarations of who the payee is: what the booking's rules and reports go by. */
export function closerRelationship(a: PayeeRelationship, b: PayeeRelationship): PayeeRelationship {
  return CLOSENESS.indexOf(a) >= CLOSENESS.indexOf(b) ? a : b;
}

/** What a provider's confirmation does to a REQUESTED booking, given what it declares of its worker. */
export interface Confirmation {
  status: BookingStatus;
  payeeRelationship: PayeeRelationship;
  approvalReasons: ApprovalReason[];
  /** The council's earlier decision no longer covers the booking: a new one is needed. */
  decisionReset: boolean;
}

/**
 * The provider declares too, at confirmation, who the payee is to the client (reg. 3): whichever
 * side declares a payee the council must agree to, the booking is confirmed only once a
 * commissioner has recorded that agreement (approveBooking, with a note). A booking already
 * approved for a relative payee stays approved; otherwise it goes back to PENDING_APPROVAL.
 */
export function confirmation(
  booking: { payeeRelationship: PayeeRelationship; approvalReasons: ApprovalReason[]; approvalDecision: ApprovalDecision | null },
  declared: PayeeRelationship,
): Confirmation {
  const payeeRelationship = closerRelationship(booking.payeeRelationship, declared);
  const agreed = booking.approvalDecision === ApprovalDecision.APPROVED && booking.approvalReasons.includes(ApprovalReason.RELATIVE_PAYEE);
  if (!needsCouncilAgreement(declared) || agreed) {
    return { status: BookingStatus.CONFIRMED, payeeRelationship, approvalReasons: booking.approvalReasons, decisionReset: false };
  }
  const approvalReasons = booking.approvalReasons.includes(ApprovalReason.RELATIVE_PAYEE)
    ? booking.approvalReasons
    : [...booking.approvalReasons, ApprovalReason.RELATIVE_PAYEE];
  return { status: BookingStatus.PENDING_APPROVAL, payeeRelationship, approvalReasons, decisionReset: true };
}

/** The council's agreement to a relative payee is recorded with its reason (reg. 3): approving one needs a note. */
export function approvalNeedsNote(approvalReasons: ApprovalReason[], note: string): UserErrorData | null {
  if (!approvalReasons.includes(ApprovalReason.RELATIVE_PAYEE) || note.trim() !== "") return null;
  return {
    code: UserErrorCode.INVALID_VALUE,
    message:
      "Paying a spouse, partner or close relative in the same household needs the council to record that it is necessary (Care and Support (Direct Payments) Regulations 2014, reg. 3): say why in the note.",
    field: ["note"],
  };
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

export interface BookingFacts {
  budget: { kind: BudgetKind; management: BudgetManagement; periodStart: string; periodEnd: string; coveredCategories: string[] };
  category: { code: string; name: string; purpose: CategoryPurpose; regulated: boolean; allowedFor: BudgetKind[]; exclusionNote?: string };
  provider: { cqcLocationId: string | null };
  listing: { setting: ListingSetting };
  /** In time order, at least one. */
  visits: { startsAt: Date; endsAt: Date }[];
  /**
   * The client's other care-home stays paid by direct payment (care-home.rules.ts), read under the
   * lock by the caller when this booking is one; none otherwise.
   */
  otherCareHomeStays?: Stay[];
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
    refuse(UserErrorCode.NOT_ALLOWED_FOR_BUDGET_KIND, notAllowedMessage(budget.kind, category));
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
  if (budget.management === BudgetManagement.DIRECT_PAYMENT && isCareHomePlace(category.code, listing.setting)) {
    // reg. 8: this booking's stays with the client's others, four weeks in twelve months (care-home.rules.ts).
    const excess = careHomeExcess(facts.otherCareHomeStays ?? [], visits);
    if (excess) refusals.push(careHomeRefusal(excess));
  }

  const approvalReasons: ApprovalReason[] = [];
  if (needsCouncilAgreement(facts.payeeRelationship)) approvalReasons.push(ApprovalReason.RELATIVE_PAYEE);
  if (
    category.purpose === CategoryPurpose.LIFE_IMPROVING &&
    facts.lifeImprovingThresholdPence !== null &&
    facts.totalCostPence > facts.lifeImprovingThresholdPence
  ) {
    approvalReasons.push(ApprovalReason.LIFE_IMPROVING_ABOVE_THRESHOLD);
  }
  return { refusals, approvalReasons };
}

/** Why a budget of this kind may not buy the category: the category's own note (with its source), or the general rule. */
export function notAllowedMessage(kind: BudgetKind, category: { name: string; exclusionNote?: string }): string {
  const budget = kind === BudgetKind.PERSONAL_HEALTH_BUDGET ? "A personal health budget" : "A personal budget";
  const source = kind === BudgetKind.PERSONAL_HEALTH_BUDGET ? " (National Health Service (Direct Payments) Regulations 2013)" : "";
  return category.exclusionNote
    ? `${budget} may not pay for ${category.name}. ${category.exclusionNote}`
    : `${budget} may not pay for ${category.name}${source}.`;
}

export function approvalExplanation(reason: ApprovalReason, thresholdPence: number | null): string {
  return reason === ApprovalReason.RELATIVE_PAYEE
    ? "The payee is a spouse or partner, or a close relative in the same household (declared when booked, or by the provider when it confirmed): the council must record that this is necessary (Care and Support (Direct Payments) Regulations 2014, reg. 3)."
    : `A life-improving purchase above ${formatPounds(thresholdPence ?? 0)} needs a commissioner's sign-off.`;
}
