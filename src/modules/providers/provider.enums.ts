export enum ProviderKind {
  HOME_CARE_AGENCY = "HOME_CARE_AGENCY",
  /** A self-employed personal assistant: one person, who cannot be in two places at once. */
  PERSONAL_ASSISTANT = "PERSONAL_ASSISTANT",
  CARE_HOME = "CARE_HOME",
  DAY_SERVICE = "DAY_SERVICE",
  CHARITY = "CHARITY",
  MICRO_ENTERPRISE = "MICRO_ENTERPRISE",
  BUSINESS = "BUSINESS",
}

/** CQC ratings, worst first: the database enum keeps this order, so `cqc_rating >= 'GOOD'` works. */
export enum CqcRating {
  INADEQUATE = "INADEQUATE",
  REQUIRES_IMPROVEMENT = "REQUIRES_IMPROVEMENT",
  GOOD = "GOOD",
  OUTSTANDING = "OUTSTANDING",
}

/** What was checked before a provider was verified. */
export enum VerificationCheck {
  CQC_REGISTER = "CQC_REGISTER",
  DBS = "DBS",
  INSURANCE = "INSURANCE",
  IDENTITY = "IDENTITY",
}

/** A CQC location's standing in the last register imported. */
export enum CqcLocationStatus {
  /** Registered and not dormant: may carry on regulated activities. */
  REGISTERED = "REGISTERED",
  /** Registered but marked dormant (not currently providing care). */
  DORMANT = "DORMANT",
  /** In an earlier import, not in the latest: no longer registered. */
  DEREGISTERED = "DEREGISTERED",
}
