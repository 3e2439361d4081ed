/** What an event reports. Stored as text (new types need no migration of an enum). */
export enum EventType {
  BOOKING_REQUESTED = "BOOKING_REQUESTED",
  BOOKING_CONFIRMED = "BOOKING_CONFIRMED",
  BOOKING_CANCELLED = "BOOKING_CANCELLED",
  QUOTE_REQUESTED = "QUOTE_REQUESTED",
  QUOTE_SUBMITTED = "QUOTE_SUBMITTED",
  VISIT_RECORDED = "VISIT_RECORDED",
  /** A client (or their broker) disputed a delivered visit: its provider, those who act for the client, the funding body's commissioners. */
  VISIT_DISPUTED = "VISIT_DISPUTED",
  /**
   * A payment run was marked paid: one event for the funding body's commissioners (the run), and one
   * for each provider whose statement it paid (that statement alone).
   */
  PAYMENT_RUN_PAID = "PAYMENT_RUN_PAID",
  /** For commissioners: a listing or quote price rose past the funding body's alert threshold or above its reference rate. */
  PRICE_RISE = "PRICE_RISE",
}

export enum DeliveryStatus {
  /** Waiting for its first attempt or its next retry. */
  PENDING = "PENDING",
  /** The receiver answered 2xx. */
  DELIVERED = "DELIVERED",
  /** Retried for a day without a 2xx answer: given up. */
  FAILED = "FAILED",
}

/** Why a price raised an alert. */
export enum PriceAlertReason {
  /** The price rose by more than the funding body's priceRiseAlertPercent. */
  RISE_OVER_THRESHOLD = "RISE_OVER_THRESHOLD",
  /** The price moved from at or below the funding body's reference rate to above it (a quote: is above it). */
  ABOVE_REFERENCE = "ABOVE_REFERENCE",
}
