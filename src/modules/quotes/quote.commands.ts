/** What the quote service is asked to do: plain commands, raw uuids (null: an ID that names nothing). */
import type { PayeeRelationship, Schedule } from "../bookings";
import type { QuoteRequestStatus } from "./quote.enums";

export interface RequestQuoteCommand {
  clientId: string | null;
  categoryCode: string;
  description: string;
  unitsPerWeek: number;
  /** When the support is wanted, in words. */
  schedule: string;
  startsOn: string;
  endsOn: string;
  /** Providers asked by name; null where an ID names no provider. */
  providerIds: (string | null)[];
}

/** A price for a request, with the Schedule (startsAt, recurrence, unitsPerVisit) it is quoted for. */
export interface SubmitQuoteCommand extends Schedule {
  requestId: string | null;
  listingId: string | null;
  unitPricePence: number;
  validUntil: Date;
  note: string;
  /** The provider's declaration of who its worker is to the client (reg. 3). */
  payeeRelationship: PayeeRelationship;
}

/** Withdraw (the provider) or decline (the client's side) one quote. */
export interface QuoteDecisionCommand {
  quoteId: string | null;
}

export interface AcceptQuoteCommand {
  quoteId: string | null;
  budgetId: string | null;
  payeeRelationship: PayeeRelationship;
  idempotencyKey: string;
}

export interface QuoteRequestSearch {
  statuses?: QuoteRequestStatus[] | null;
  /** undefined: every client; null: an ID that names no client (so nothing matches). */
  clientId?: string | null;
}
