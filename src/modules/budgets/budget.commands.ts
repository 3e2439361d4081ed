/** What budgets' services are asked to do: plain commands, no GraphQL. */

/** What a new booking holds: its whole cost and the saving earmarked from it. */
export interface Commitment {
  bookingId: string;
  costPence: number;
  earmarkPence: number;
  visits: number;
}

export interface Release {
  bookingId: string;
  amountPence: number;
  memo: string;
}

/** A delivered visit's cost and its earmarked saving. */
export interface Spend {
  bookingId: string;
  costPence: number;
  earmarkPence: number;
  memo: string;
}

export interface Charge {
  amountPence: number;
  memo: string;
}
