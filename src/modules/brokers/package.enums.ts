export enum PackageStatus {
  DRAFT = "DRAFT",
  /** The broker has put it to the client. */
  PROPOSED = "PROPOSED",
  /** Every item booked, in one transaction. */
  AGREED = "AGREED",
  CANCELLED = "CANCELLED",
}
