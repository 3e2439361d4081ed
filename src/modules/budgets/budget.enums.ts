export enum ClientSetting {
  OWN_HOME = "OWN_HOME",
  CARE_HOME = "CARE_HOME",
}

/** Age bands for reports (the PHB evaluation found health budgets cost-effective over 75). */
export enum AgeBand {
  UNDER_18 = "UNDER_18",
  AGE_18_64 = "AGE_18_64",
  AGE_65_74 = "AGE_65_74",
  AGE_75_84 = "AGE_75_84",
  AGE_85_PLUS = "AGE_85_PLUS",
}

export enum BudgetManagement {
  DIRECT_PAYMENT = "DIRECT_PAYMENT",
  COUNCIL_MANAGED = "COUNCIL_MANAGED",
  THIRD_PARTY_MANAGED = "THIRD_PARTY_MANAGED",
}

export enum LedgerKind {
  ALLOCATION = "ALLOCATION",
  TOP_UP = "TOP_UP",
  COMMITMENT = "COMMITMENT",
  RELEASE = "RELEASE",
  SPEND = "SPEND",
  REFUND = "REFUND",
  RETURN_TO_FUNDER = "RETURN_TO_FUNDER",
  FEE = "FEE",
  /** Spend reversed: a dispute upheld, or a commissioner's correction of a confirmed visit. */
  REVERSAL = "REVERSAL",
  /** A closed period's surplus the funder requires repaid (Care Act 2014 s.33(5); Direct Payments Regulations 2014 reg. 7). */
  CLAWBACK = "CLAWBACK",
  /** A closed period's surplus moved to the next period's budget (its CARRY_FORWARD_IN). */
  CARRY_FORWARD_OUT = "CARRY_FORWARD_OUT",
  /** A surplus carried in from the previous period's budget. */
  CARRY_FORWARD_IN = "CARRY_FORWARD_IN",
}

/** A budget period: OPEN takes commitments; CLOSED (closeBudget) has its surplus fixed and disposed of. */
export enum BudgetStatus {
  OPEN = "OPEN",
  CLOSED = "CLOSED",
}

/** What a closed period's surplus becomes. */
export enum SurplusDisposal {
  /** Repaid to the funder: a CLAWBACK entry. */
  RECLAIM = "RECLAIM",
  /** Moved to the next period's budget, in the same transaction. */
  CARRY_FORWARD = "CARRY_FORWARD",
  /** Left with the person. */
  KEEP = "KEEP",
}

/** The fate of savings against the reference rate (DOMAIN.md, "Savings accounting"). */
export enum GainMode {
  /** The saving stays in the budget (today's practice). */
  RETAIN = "RETAIN",
  /** The saving goes back to the funder: earmarked at commitment, returned on delivery. */
  RETURN = "RETURN",
  /** returnPercent of each saving is earmarked and returned; the rest is retained. */
  SHARE = "SHARE",
}

/** What a review decided (DOMAIN.md rule 7). */
export enum ReviewOutcome {
  CONTINUE = "CONTINUE",
  CHANGE_ALLOCATION = "CHANGE_ALLOCATION",
  SUSPEND = "SUSPEND",
  STOP = "STOP",
}
