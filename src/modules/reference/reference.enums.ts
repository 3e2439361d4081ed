/**
 * The shared vocabulary of the domain (DOMAIN.md): every module speaks in these terms, so they sit
 * in the lowest module. Plain TypeScript enums, registered with GraphQL in reference.types.ts.
 */
export enum CategoryPurpose {
  LIFE_SUSTAINING = "LIFE_SUSTAINING",
  LIFE_IMPROVING = "LIFE_IMPROVING",
}

export enum BudgetKind {
  PERSONAL_BUDGET = "PERSONAL_BUDGET",
  PERSONAL_HEALTH_BUDGET = "PERSONAL_HEALTH_BUDGET",
}

export enum FundingBodyKind {
  LOCAL_AUTHORITY = "LOCAL_AUTHORITY",
  NHS_ICB = "NHS_ICB",
  /** A nation (England, E92000001): source of national minimum prices and averages, not of budgets. */
  NATION = "NATION",
}

export enum Unit {
  HOUR = "HOUR",
  VISIT = "VISIT",
  SESSION = "SESSION",
  HALF_DAY = "HALF_DAY",
  DAY = "DAY",
  NIGHT = "NIGHT",
  WEEK = "WEEK",
  ITEM = "ITEM",
}

export enum RateType {
  STANDARD = "STANDARD",
  EVENING = "EVENING",
  WEEKEND = "WEEKEND",
  BANK_HOLIDAY = "BANK_HOLIDAY",
  SLEEP_IN = "SLEEP_IN",
  WAKING_NIGHT = "WAKING_NIGHT",
  LIVE_IN = "LIVE_IN",
}

/** Days of the week, as RFC 5545 names them. */
export enum Weekday {
  MO = "MO",
  TU = "TU",
  WE = "WE",
  TH = "TH",
  FR = "FR",
  SA = "SA",
  SU = "SU",
}

/** How a funding body pays for brokerage. */
export enum BrokerageMode {
  NONE = "NONE",
  PER_PACKAGE = "PER_PACKAGE",
  PER_HOUR = "PER_HOUR",
}

/** Who bears the cost of brokerage. */
export enum BrokerageChargedTo {
  FUNDING_BODY = "FUNDING_BODY",
  /** A FEE entry on the client's budget when the package is agreed. */
  BUDGET = "BUDGET",
}
