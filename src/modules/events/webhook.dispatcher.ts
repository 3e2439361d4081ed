/**
 * The delivery worker. Two steps, each safe to run in several API processes at once:
 *
 * 1. Fan-out: events, in (txId, id) order, become one delivery per webhook that subscribed to the
 *    type and whose owner may hear the event (EventPolicy). One process at a time (the cursor row is
 *    locked FOR UPDATE SKIP LOCKED), and only events whose transaction ended before every transaction
 *    still running began (txId below the snapshot's xmin), so an event committed late is never passed over.
 * 2. Delivery: a webhook whose oldest pending delivery is due is leased (its row locked FOR UPDATE
 *    SKIP LOCKED, then given a lease time, so that the POSTs run outside every transaction); the
 *    lease holder alone sends that webhook's queue, one delivery at a time in event order, with the
 *    Standard Webhooks headers, and records each attempt: delivered on 2xx, else retried with
 *    backoff and jitter for a day, then failed. A retrying delivery holds back the later ones.
 *
 * At least once: a process that dies after the POST and before recording it leaves the lease to
 * expire and the delivery to be sent again, under the same `webhook-id` (receivers deduplicate on it).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { newId } from "../../shared/ids";
import type { Logger } from "../../shared/logger";
import type { Clock } from "../../shared/time";
import { viewerOf, type UserService } from "../auth";
import { EventFanoutEntity, WebhookDeliveryEntity, type DeliveryAttemptRecord } from "./event.entity";
import { DeliveryStatus, type EventType } from "./event.enums";
import { storedEvent, type StoredEventRow } from "./event.models";
import type { EventPolicy } from "./event.policy";
import { isSuccess, nextAttemptAt, signedHeaders } from "./event.rules";
import { post } from "./webhook.http";

export interface DispatcherSettings {
  allowPrivate: boolean;
  timeoutMs: number;
  pollMs: number;
  /** Events fanned out per transaction. */
  fanOutBatch?: number;
  /** Webhooks served at once per round. */
  parallel?: number;
  /** Deliveries one webhook's lease sends at most, one after another. */
  run?: number;
  /** Jitter's source (tests may fix it). */
  random?: () => number;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

interface LiveWebhook {
  id: string;
  owner_user_id: string;
  events: EventType[];
  created_at: Date;
}

interface LeasedWebhook {
  id: string;
  url: string;
  secret: string;
}

interface QueuedDelivery {
  id: string;
  event_id: string;
  created_at: Date;
  next_attempt_at: Date;
  failures: number;
  type: EventType;
  occurred_at: Date;
  data: Record<string, unknown>;
}

export class WebhookDispatcher {
  private running: Promise<void> | null = null;
  private stopping = new AbortController();

  constructor(
    private readonly db: DataSource,
    private readonly users: UserService,
    private readonly policy: EventPolicy,
    private readonly settings: DispatcherSettings,
    private readonly clock: Clock,
    private readonly logger?: Logger,
  ) {}

  /** Runs both steps until neither finds work. Returns the deliveries attempted. */
  async drain(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const fanned = await this.fanOut();
      const sent = await this.deliverDue();
      attempted += sent;
      if (fanned === 0 && sent === 0) return attempted;
    }
  }

  /** Starts the loop in the background (server.ts); `stop` ends it. */
  start(): void {
    if (this.running) return;
    this.stopping = new AbortController();
    this.running = (async () => {
      while (!this.stopping.signal.aborted) {
        try {
          if ((await this.drain()) === 0) await sleep(this.settings.pollMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        } catch (error) {
          if (this.stopping.signal.aborted) return;
          this.logger?.warn("webhook worker round failed", { reason: error instanceof Error ? error.message : String(error) });
          await sleep(this.settings.pollMs, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        }
      }
    })();
  }

  /**
   * Ends the loop. Waits at most 2 s for the round in flight (a POST has its own timeout; a round
   * cut short is finished by the next lease holder), so that a stop stays within the process's 10 s.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.race([this.running, sleep(2_000, undefined, { ref: false })]);
    this.running = null;
  }

  /** Step 1: one batch of events into deliveries. Returns the events fanned out (0: none, or another process is at it). */
  async fanOut(): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO event_fanout (id, last_tx_id, last_event_id) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING`, [NIL_UUID]);
      const [cursor] = await tx.query<{ last_tx_id: string; last_event_id: string }[]>(
        `SELECT last_tx_id, last_event_id FROM event_fanout WHERE id = 1 FOR UPDATE SKIP LOCKED`,
      );
      if (!cursor) return 0;
      const events = await tx.query<(StoredEventRow & { tx_id: string })[]>(
        `SELECT id, tx_id, type, occurred_at, data, provider_id, client_id, funding_body_code, quote_request_id FROM events
          WHERE (tx_id, id) > ($1::bigint, $2::uuid) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          ORDER BY tx_id, id LIMIT $3`,
        [cursor.last_tx_id, cursor.last_event_id, this.settings.fanOutBatch ?? 500],
      );
      if (events.length === 0) return 0;
      const webhooks = await tx.query<LiveWebhook[]>(`SELECT id, owner_user_id, events, created_at FROM webhooks WHERE deleted_at IS NULL`);
      const owners = await this.viewers(tx, webhooks);
      const now = this.clock.now();
      const rows: Partial<WebhookDeliveryEntity>[] = [];
      for (const row of events) {
        const event = storedEvent(row);
        for (const webhook of webhooks) {
          const owner = owners.get(webhook.owner_user_id);
          if (!owner || !webhook.events.includes(event.type) || event.occurredAt < webhook.created_at) continue;
          if (!(await this.policy.mayHear(tx, owner, event))) continue;
          rows.push({
            id: newId(),
            webhookId: webhook.id,
            eventId: event.id,
            eventTxId: Number(row.tx_id),
            eventType: event.type,
            status: DeliveryStatus.PENDING,
            nextAttemptAt: now,
            attempts: [],
            createdAt: now,
            deliveredAt: null,
          });
        }
      }
      for (let i = 0; i < rows.length; i += 500) {
        await tx
          .createQueryBuilder()
          .insert()
          .into(WebhookDeliveryEntity)
          .values(rows.slice(i, i + 500))
          .orIgnore()
          .updateEntity(false)
          .execute();
      }
      const last = events[events.length - 1];
      await tx.update(EventFanoutEntity, { id: 1 }, { lastTxId: Number(last.tx_id), lastEventId: last.id });
      return events.length;
    });
  }

  /**
   * Step 2: leases up to `parallel` webhooks whose oldest pending delivery is due, and sends each
   * one's queue, in order, until a delivery fails, one is not yet due, or `run` are sent. Returns
   * the deliveries attempted.
   */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    const run = this.settings.run ?? 100;
    const leaseUntil = new Date(now.getTime() + run * this.settings.timeoutMs + 30_000);
    const leased = await this.db.query<LeasedWebhook[]>(
      // A CTE ending in SELECT: the driver then answers rows alone (a bare UPDATE … RETURNING answers [rows, count]).
      `WITH leased AS (
         UPDATE webhooks w SET leased_until = $2
           FROM (SELECT c.id FROM webhooks c
                  WHERE c.deleted_at IS NULL AND (c.leased_until IS NULL OR c.leased_until < $1)
                    AND (SELECT d.next_attempt_at FROM webhook_deliveries d WHERE d.webhook_id = c.id AND d.status = 'PENDING'
                          ORDER BY d.event_tx_id, d.event_id LIMIT 1) <= $1
                  LIMIT $3 FOR UPDATE SKIP LOCKED) due
          WHERE w.id = due.id
          RETURNING w.id, w.url, w.secret)
       SELECT id, url, secret FROM leased`,
      [now, leaseUntil, this.settings.parallel ?? 20],
    );
    const sent = await Promise.all(leased.map((webhook) => this.sendQueue(webhook, leaseUntil, run)));
    return sent.reduce((a, b) => a + b, 0);
  }

  /** Sends a leased webhook's pending deliveries in event order; stops at the first failure (it holds back the rest). */
  private async sendQueue(webhook: LeasedWebhook, leaseUntil: Date, run: number): Promise<number> {
    let attempted = 0;
    try {
      const queue = await this.db.query<QueuedDelivery[]>(
        `SELECT d.id, d.event_id, d.created_at, d.next_attempt_at, jsonb_array_length(d.attempts) AS failures, e.type, e.occurred_at, e.data
           FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
          WHERE d.webhook_id = $1 AND d.status = 'PENDING'
          ORDER BY d.event_tx_id, d.event_id LIMIT $2`,
        [webhook.id, run],
      );
      for (const delivery of queue) {
        if (new Date(delivery.next_attempt_at) > this.clock.now()) break;
        attempted++;
        if (!(await this.attempt(webhook, delivery, leaseUntil))) break;
      }
    } finally {
      await this.db.query(`UPDATE webhooks SET leased_until = NULL WHERE id = $1 AND leased_until = $2`, [webhook.id, leaseUntil]);
    }
    return attempted;
  }

  /** One POST, recorded (while the lease is still ours). True when delivered. */
  private async attempt(webhook: LeasedWebhook, delivery: QueuedDelivery, leaseUntil: Date): Promise<boolean> {
    const body = JSON.stringify({ id: delivery.event_id, type: delivery.type, occurredAt: new Date(delivery.occurred_at).toISOString(), data: delivery.data });
    const started = this.clock.now();
    const t0 = performance.now();
    const outcome = await post(webhook.url, signedHeaders(webhook.secret, delivery.event_id, started, body), body, this.settings);
    const attempt: DeliveryAttemptRecord = {
      at: started.toISOString(),
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs: Math.round(performance.now() - t0),
    };
    const delivered = outcome.statusCode !== null && isSuccess(outcome.statusCode);
    const now = this.clock.now();
    const retryAt = delivered
      ? null
      : nextAttemptAt(new Date(delivery.created_at), now, Number(delivery.failures) + 1, (this.settings.random ?? Math.random)());
    const status = delivered ? DeliveryStatus.DELIVERED : retryAt ? DeliveryStatus.PENDING : DeliveryStatus.FAILED;
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = attempts || $3::jsonb, next_attempt_at = coalesce($4, next_attempt_at), delivered_at = $5
        WHERE id = $1 AND status = 'PENDING' AND EXISTS (SELECT 1 FROM webhooks WHERE id = $6 AND leased_until = $7)`,
      [delivery.id, status, JSON.stringify([attempt]), retryAt, delivered ? now : null, webhook.id, leaseUntil],
    );
    return delivered;
  }

  /** Each webhook owner's viewer, as a token of theirs would give it now (a member who left a provider hears no more of it). */
  private async viewers(tx: EntityManager, webhooks: LiveWebhook[]): Promise<Map<string, Viewer>> {
    const viewers = new Map<string, Viewer>();
    for (const id of new Set(webhooks.map((w) => w.owner_user_id))) {
      const user = await this.users.byId(tx, id);
      if (user) viewers.set(id, viewerOf(user));
    }
    return viewers;
  }
}
