export enum PackageStatus {
  DRAFT = "DRAFT",
  /** The broker has put it to the client. */
  PROPOSED = "PROPOSED",
  /** The client agreed and every item is booked, but some item's booking waits for a commissioner's approval. */
  PENDING_APPROVAL = "PENDING_APPROVAL",
  /** Every item booked, in one transaction, and every approval given. */
  AGREED = "AGREED",
  /** A commissioner rejected an item's booking: the package's other bookings are cancelled, its money released. */
  REJECTED = "REJECTED",
  CANCELLED = "CANCELLED",
}
