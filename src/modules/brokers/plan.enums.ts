export enum UnmetReason {
  /** No listing of the category serves the client's area at those days and times (and rating). */
  NO_PROVIDER = "NO_PROVIDER",
  /** The listings that could serve it cannot supply that many units a week. */
  NO_CAPACITY = "NO_CAPACITY",
  /** Every need can be met, but not by so few providers. */
  TOO_FEW_PROVIDERS = "TOO_FEW_PROVIDERS",
  /** Every need can be met, but not within the available money. */
  OVER_BUDGET = "OVER_BUDGET",
}
