/** Where a reference rate comes from (DOMAIN.md). */
export enum SourceKind {
  COUNCIL_DP_RATE = "COUNCIL_DP_RATE",
  COUNCIL_FRAMEWORK_RATE = "COUNCIL_FRAMEWORK_RATE",
  MINIMUM_PRICE = "MINIMUM_PRICE",
  NATIONAL_AVERAGE = "NATIONAL_AVERAGE",
}

/** The yardsticks a funding body's prices are compared with: its own rates, direct-payment rate first. */
export const COUNCIL_KINDS = [SourceKind.COUNCIL_DP_RATE, SourceKind.COUNCIL_FRAMEWORK_RATE];

/**
 * What a comparison's reference rate is (issue 10, item 5): the funding body's rate for the terms'
 * own rate type, or, where it publishes none, its STANDARD rate for the category and unit.
 */
export enum ReferenceBasis {
  PUBLISHED = "PUBLISHED",
  FALLBACK_STANDARD = "FALLBACK_STANDARD",
}
