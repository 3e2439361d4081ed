export enum ReportDimension {
  CATEGORY = "CATEGORY",
  /** The calendar month of the visit, in London. */
  MONTH = "MONTH",
  PROVIDER_KIND = "PROVIDER_KIND",
  BUDGET_KIND = "BUDGET_KIND",
  /** The client's age on the visit's day. */
  AGE_BAND = "AGE_BAND",
  PURPOSE = "PURPOSE",
}
