import type { EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import type { EventType } from "./event.enums";

/**
 * Who may hear an event: the objects it is about, as the visibility policy reads them. Each route
 * is checked with the same rule the GraphQL types use (EventPolicy.mayHear).
 */
export interface EventAudience {
  /** The provider the object belongs to (a booking's, a quote's, a visit's). */
  providerId?: string | null;
  /** The client it concerns: those who may act for them (budgets' canActFor) hear it. */
  clientId?: string | null;
  /** The funding body whose commissioners hear it. */
  fundingBodyCode?: string | null;
  /** A quote request: providers who may see it (by area and category, or named) hear it. */
  quoteRequestId?: string | null;
}

/** An event to record: the body's `type` and `data`, and who may hear it. */
export interface NewEvent {
  type: EventType;
  /** Global ids and the minimum of personal data: no dates of birth, no budget figures. */
  data: Record<string, unknown>;
  audience: EventAudience;
}

/** An event as it was stored, for the visibility policy and the fan-out. */
export interface StoredEvent {
  readonly id: string;
  readonly type: EventType;
  readonly occurredAt: Date;
  readonly data: Record<string, unknown>;
  readonly providerId: string | null;
  readonly clientId: string | null;
  readonly fundingBodyCode: string | null;
  readonly quoteRequestId: string | null;
}

/**
 * Questions the events module cannot answer itself, asked of higher modules through functions
 * passed in src/app.ts (composition root): the same rules their GraphQL types apply.
 */
export interface Visibility {
  /** May `viewer` see this client (and act for them): budgets' canActFor. */
  client(tx: EntityManager, viewer: Viewer, clientId: string): Promise<boolean>;
  /** May `viewer` see this quote request: quotes' findVisibleRequest. */
  quoteRequest(tx: EntityManager, viewer: Viewer, quoteRequestId: string): Promise<boolean>;
}

/** The columns a StoredEvent is read from. */
export const STORED_EVENT_COLUMNS = "id, type, occurred_at, data, provider_id, client_id, funding_body_code, quote_request_id";

/** An events row as SELECTed (`STORED_EVENT_COLUMNS`). */
export interface StoredEventRow {
  id: string;
  type: EventType;
  occurred_at: Date;
  data: Record<string, unknown>;
  provider_id: string | null;
  client_id: string | null;
  funding_body_code: string | null;
  quote_request_id: string | null;
}

export function storedEvent(row: StoredEventRow): StoredEvent {
  return {
    id: row.id,
    type: row.type,
    occurredAt: new Date(row.occurred_at),
    data: row.data,
    providerId: row.provider_id,
    clientId: row.client_id,
    fundingBodyCode: row.funding_body_code,
    quoteRequestId: row.quote_request_id,
  };
}
