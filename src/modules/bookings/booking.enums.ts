export enum BookingStatus {
  /** Committed, waiting for a commissioner's decision (reg. 3 relative payee, or a large life-improving purchase). */
  PENDING_APPROVAL = "PENDING_APPROVAL",
  /** Committed, waiting for the provider to confirm. */
  REQUESTED = "REQUESTED",
  CONFIRMED = "CONFIRMED",
  /** Refused by the provider or the commissioner; everything released. */
  DECLINED = "DECLINED",
  /** Cancelled; visits not yet delivered were released. */
  CANCELLED = "CANCELLED",
  /** Every visit recorded. */
  COMPLETED = "COMPLETED",
}

export enum VisitStatus {
  SCHEDULED = "SCHEDULED",
  DELIVERED = "DELIVERED",
  MISSED = "MISSED",
  CANCELLED = "CANCELLED",
}

/** Who the payee is to the budget holder (Care and Support (Direct Payments) Regulations 2014, reg. 3). */
export enum PayeeRelationship {
  NONE = "NONE",
  SPOUSE_OR_PARTNER = "SPOUSE_OR_PARTNER",
  CLOSE_RELATIVE_SAME_HOUSEHOLD = "CLOSE_RELATIVE_SAME_HOUSEHOLD",
  CLOSE_RELATIVE_ELSEWHERE = "CLOSE_RELATIVE_ELSEWHERE",
}

export enum ApprovalReason {
  /** reg. 3: a spouse or partner, or a close relative in the same household, needs the council to record it is necessary. */
  RELATIVE_PAYEE = "RELATIVE_PAYEE",
  /** A life-improving purchase above the funding body's threshold needs a commissioner's sign-off. */
  LIFE_IMPROVING_ABOVE_THRESHOLD = "LIFE_IMPROVING_ABOVE_THRESHOLD",
}

export enum ApprovalDecision {
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
}

/** How a group session's price is shared between participants. */
/** What a provider records of a visit. */
export enum VisitOutcome {
  DELIVERED = "DELIVERED",
  MISSED = "MISSED",
}

export enum GroupSplit {
  EQUAL = "EQUAL",
  /** In proportion to each participant's units (e.g. minutes of a shared session). */
  BY_UNITS = "BY_UNITS",
}
