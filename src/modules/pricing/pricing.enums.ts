/** Where a reference rate comes from (DOMAIN.md). */
export enum SourceKind {
  COUNCIL_DP_RATE = "COUNCIL_DP_RATE",
  COUNCIL_FRAMEWORK_RATE = "COUNCIL_FRAMEWORK_RATE",
  MINIMUM_PRICE = "MINIMUM_PRICE",
  NATIONAL_AVERAGE = "NATIONAL_AVERAGE",
}

/** The yardsticks a funding body's prices are compared with: its own rates, direct-payment rate first. */
export const COUNCIL_KINDS = [SourceKind.COUNCIL_DP_RATE, SourceKind.COUNCIL_FRAMEWORK_RATE];
