import type { DataSource, EntityManager } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { forbidden } from "../../shared/errors";
import { newId, toGlobalId } from "../../shared/ids";
import { keysetPage, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import { addDays, fromLondonWallClock, londonDate, type Clock } from "../../shared/time";
import { snapshotOn, type ReferenceRateService } from "../pricing";
import type { ReferenceService } from "../reference";
import type { Unit, RateType } from "../reference";
import { EventEntity } from "./event.entity";
import { EventType } from "./event.enums";
import { EVENTS_CHANNEL } from "./event.feed";
import type { NewEvent } from "./event.models";
import { DEFAULT_PRICE_RISE_ALERT_PERCENT, priceAlertReasons, risePercent } from "./event.rules";

/** A price that changed (a listing's) or was offered (a quote's), to check against the funding bodies it concerns. */
export interface WatchedPrice {
  subject: { type: "Listing" | "Quote"; id: string };
  listingId: string;
  terms: { categoryCode: string; unit: Unit; visitMinutes: number | null; rateType: RateType };
  /** The funding bodies whose commissioners care: the provider's service areas, or the quote request's. */
  fundingBodyCodes: string[];
  /** A listing's price before the change; a quote's listing price (null: none to compare with). */
  previousPence: number | null;
  pricePence: number;
}

/** Price alerts, newest first. */
const NEWEST_FIRST: Keyset<EventEntity> = { name: "PRICE_ALERTS", keys: [{ sql: "e.id", cast: "uuid", of: (e) => e.id }], direction: "DESC" };

export class EventService {
  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly rates: ReferenceRateService,
    private readonly clock: Clock,
  ) {}

  /**
   * Writes `event` to the outbox inside the caller's transaction: one INSERT, so the event exists
   * if and only if the change commits. Delivery happens later, outside the request (WebhookDispatcher,
   * and EventFeed for live subscriptions).
   * `null` records nothing (a builder that found nothing to report).
   */
  async record(tx: EntityManager, event: NewEvent | null): Promise<void> {
    if (!event) return;
    const { providerId = null, clientId = null, fundingBodyCode = null, quoteRequestId = null } = event.audience;
    // The NOTIFY is transactional too: live subscribers (EventFeed, in every API process) hear of the event on commit only.
    await tx.query(
      `WITH e AS (
         INSERT INTO events (id, tx_id, type, occurred_at, data, provider_id, client_id, funding_body_code, quote_request_id)
         VALUES ($1, pg_current_xact_id()::text::bigint, $2, $3, $4, $5, $6, $7, $8) RETURNING id, type)
       SELECT pg_notify('${EVENTS_CHANNEL}', e.type || ':' || e.id) FROM e`,
      [newId(), event.type, this.clock.now(), JSON.stringify(event.data), providerId, clientId, fundingBodyCode, quoteRequestId],
    );
  }

  /** Runs `work` and records `event` in one transaction (for a change that was a single statement). */
  async recordWith<T>(work: (tx: EntityManager) => Promise<T>, event: NewEvent | null): Promise<T> {
    return this.db.transaction(async (tx) => {
      const value = await work(tx);
      await this.record(tx, event);
      return value;
    });
  }

  /**
   * Records a PRICE_RISE for each funding body in `price.fundingBodyCodes` whose alert the price
   * trips: a rise of more than its priceRiseAlertPercent, or a move above its reference rate on today's date.
   */
  async watchPrice(tx: EntityManager, price: WatchedPrice): Promise<void> {
    const day = londonDate(this.clock.now());
    for (const code of [...new Set(price.fundingBodyCodes)]) {
      const body = await this.reference.findFundingBody(code, tx);
      if (!body) continue;
      const versions = await this.rates.versionsFor(tx, code, price.terms.categoryCode, day, day);
      const referencePence = snapshotOn(versions, price.terms, day, 1, price.pricePence).referenceCostPence;
      const alertPercent = body.priceRiseAlertPercent ?? DEFAULT_PRICE_RISE_ALERT_PERCENT;
      const reasons = priceAlertReasons({
        previousPence: price.previousPence,
        pricePence: price.pricePence,
        referencePence,
        alertPercent,
        subject: price.subject.type === "Quote" ? "QUOTE" : "LISTING",
      });
      if (reasons.length === 0) continue;
      await this.record(tx, {
        type: EventType.PRICE_RISE,
        data: {
          [price.subject.type === "Quote" ? "quoteId" : "listingId"]: toGlobalId(price.subject.type, price.subject.id),
          ...(price.subject.type === "Quote" ? { listingId: toGlobalId("Listing", price.listingId) } : {}),
          fundingBodyCode: code,
          categoryCode: price.terms.categoryCode,
          previousPricePence: price.previousPence,
          pricePence: price.pricePence,
          referencePence,
          risePercent: risePercent(price.previousPence, price.pricePence),
          alertPercent,
          reasons,
        },
        audience: { fundingBodyCode: code },
      });
    }
  }

  /** A funding body's price alerts between two London days (inclusive), for its commissioners and admins. */
  async priceAlerts(viewer: Viewer, fundingBodyCode: string, from: string, to: string, page: PageRequest): Promise<Connection<EventEntity>> {
    const allowed = viewer.roles.has(Role.ADMIN) || (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode === fundingBodyCode);
    if (!allowed) throw forbidden("Price alerts are for the funding body's own commissioners.");
    const query = this.db
      .getRepository(EventEntity)
      .createQueryBuilder("e")
      .where("e.type = :type AND e.funding_body_code = :fundingBodyCode", { type: EventType.PRICE_RISE, fundingBodyCode })
      .andWhere("e.occurred_at >= :from AND e.occurred_at < :to", { from: startOfDay(from), to: startOfDay(addDays(to, 1)) });
    return keysetPage(query, NEWEST_FIRST, page);
  }
}

function startOfDay(day: string): Date {
  return fromLondonWallClock({ year: +day.slice(0, 4), month: +day.slice(5, 7), day: +day.slice(8, 10), hour: 0, minute: 0 });
}
