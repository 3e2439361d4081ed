export enum QuoteRequestStatus {
  OPEN = "OPEN",
  /** A quote was accepted. */
  CLOSED = "CLOSED",
  CANCELLED = "CANCELLED",
}

export enum QuoteStatus {
  SUBMITTED = "SUBMITTED",
  WITHDRAWN = "WITHDRAWN",
  DECLINED = "DECLINED",
  ACCEPTED = "ACCEPTED",
  /** Submitted, but past its validUntil (never stored: read from the clock). */
  EXPIRED = "EXPIRED",
}
