/** What bookings' services are asked to do: plain commands (raw uuids, null for a bad id; domain types), no GraphQL. */
import type { BookingStatus, GroupSplit, PayeeRelationship, VisitOutcome } from "./booking.enums";
import type { Schedule } from "./schedule.rules";

/** What a booking is made from: createBooking's command, an accepted quote, a package item, a group share. */
export interface BookingRequest extends Schedule {
  listingId: string | null;
  budgetId: string | null;
  payeeRelationship: PayeeRelationship;
  /** What the provider declared already of who the payee is (with its quote, reg. 3); the booking then needs no confirmation. */
  payeeDeclaredByProvider?: PayeeRelationship;
  /** A quoted price instead of the listing's. */
  unitPricePence?: number;
  /** What each visit costs this budget, when it is not units × price (a share of a group session). */
  visitCostPence?: number;
  /** No visits after this London date (the quoted period); the budget period's end regardless. */
  lastDay?: string;
  quoteId?: string | null;
  /** One participant's share of a group session. */
  groupBookingId?: string | null;
  groupSharePence?: number | null;
  /** Another participant's booking already holds the provider's slot for these visits. */
  sharesTheSlot?: boolean;
}

export interface CreateBookingCommand extends Schedule {
  listingId: string | null;
  budgetId: string | null;
  payeeRelationship: PayeeRelationship;
  idempotencyKey: string;
}

/** confirm, decline, cancel, approve, reject. */
export interface BookingDecisionCommand {
  bookingId: string | null;
  /** Why: kept with the booking. */
  note: string;
  /** confirm only: who the provider declares its worker (the payee) is to the client (reg. 3). */
  payeeRelationship?: PayeeRelationship;
}

export interface RecordVisitCommand {
  visitId: string | null;
  outcome: VisitOutcome;
}

/** The bookings list's filter. A client or budget that is null was named by an id that is no one's: it matches nothing. */
export interface BookingSearch {
  statuses?: BookingStatus[];
  clientId?: string | null;
  budgetId?: string | null;
}

/** One session for several care-home residents: a Schedule whose units are those of one session. */
export interface CreateGroupBookingCommand extends Omit<Schedule, "unitsPerVisit"> {
  unitsPerSession: number;
  listingId: string | null;
  careHomeId: string | null;
  participants: GroupParticipantCommand[];
  split: GroupSplit;
  idempotencyKey: string;
}

export interface GroupParticipantCommand {
  budgetId: string | null;
  /** Their units, for split BY_UNITS. */
  units: number | null;
}
