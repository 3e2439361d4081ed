/** Where a delivered visit stands with the person who received it. AWAITING is never stored: it is the absence of a confirmation row. */
export enum ConfirmationStatus {
  /** Delivered, neither confirmed nor disputed yet (and still inside the funding body's window). */
  AWAITING = "AWAITING",
  /** Confirmed by the client, someone acting for them, their broker, or by the window. */
  CONFIRMED = "CONFIRMED",
  /** Disputed: waits for a commissioner's resolution, and is not paid until then. */
  DISPUTED = "DISPUTED",
  /** The dispute was upheld: some or all of its units were reversed; the rest is payable. */
  UPHELD = "UPHELD",
  /** The dispute was rejected: the visit counts as confirmed. */
  REJECTED = "REJECTED",
}

export enum DisputeResolution {
  UPHELD = "UPHELD",
  REJECTED = "REJECTED",
}

export enum StatementStatus {
  ISSUED = "ISSUED",
  PAID = "PAID",
}

export enum PaymentRunStatus {
  DRAFT = "DRAFT",
  PAID = "PAID",
}

/** Who pays a statement: the funding body, or the holder of a direct payment who pays the provider themselves. */
export enum StatementPayer {
  FUNDING_BODY = "FUNDING_BODY",
  BUDGET_HOLDER = "BUDGET_HOLDER",
}
