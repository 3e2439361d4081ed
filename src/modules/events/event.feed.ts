/**
 * Live events for GraphQL subscriptions, in every API process: EventService.record NOTIFYs
 * `EVENTS_CHANNEL` with `<type>:<id>` in the change's transaction (so on commit only, from
 * whichever process made the change), and each process holds one connection that LISTENs and
 * hands each event to its own subscribers that asked for its type and may hear it (EventPolicy,
 * the webhooks' rule). At most once: an event committed while the connection is down is not
 * replayed (webhooks are the durable way to hear everything).
 */
import { Client } from "pg";
import type { DataSource } from "typeorm";
import type { Viewer } from "../../shared/auth";
import type { Logger } from "../../shared/logger";
import type { EventType } from "./event.enums";
import { STORED_EVENT_COLUMNS, storedEvent, type StoredEvent, type StoredEventRow } from "./event.models";
import type { EventPolicy } from "./event.policy";

export const EVENTS_CHANNEL = "events";

/** Events waiting for a slow client; past this its subscription ends (it may subscribe again). */
const MAX_QUEUED = 1_000;
const RECONNECT_MS = 1_000;

interface Subscriber {
  viewer: Viewer;
  types: ReadonlySet<EventType> | null;
  push(event: StoredEvent): void;
  end(): void;
}

export class EventFeed {
  private client: Client | null = null;
  private stopped = false;
  private reconnect: NodeJS.Timeout | null = null;
  private readonly subscribers = new Set<Subscriber>();
  /** Notifications are handled one after another, so each subscriber hears events in commit order. */
  private handling: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly databaseUrl: string,
    private readonly policy: EventPolicy,
    private readonly logger?: Logger,
  ) {}

  /** Subscriptions open in this process (tests wait on it before causing an event). */
  get size(): number {
    return this.subscribers.size;
  }

  /** Opens the listening connection; resolves once LISTEN is in effect. */
  async start(): Promise<void> {
    this.stopped = false;
    const client = new Client({ connectionString: this.databaseUrl });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("connection ended")));
    client.on("notification", ({ channel, payload }) => {
      if (channel === EVENTS_CHANNEL && payload) this.handling = this.handling.then(() => this.handle(payload));
    });
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
  }

  /** Ends every subscription and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    for (const subscriber of [...this.subscribers]) subscriber.end();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
    await this.handling;
  }

  /**
   * `viewer`'s events of `types` (null: every type) from now on. A hand-made iterator rather than an
   * async generator: `return()` (the client unsubscribing) must end it while it waits for an event.
   */
  subscribe(viewer: Viewer, types: readonly EventType[] | null): AsyncIterableIterator<StoredEvent> {
    const queue: StoredEvent[] = [];
    let waiting: ((result: IteratorResult<StoredEvent>) => void) | null = null;
    let done = false;
    const finished = (): IteratorResult<StoredEvent> => ({ value: undefined, done: true });
    const subscriber: Subscriber = {
      viewer,
      types: types ? new Set(types) : null,
      push: (event) => {
        if (waiting) {
          waiting({ value: event, done: false });
          waiting = null;
        } else if (queue.length < MAX_QUEUED) queue.push(event);
        else subscriber.end();
      },
      end: () => {
        done = true;
        this.subscribers.delete(subscriber);
        waiting?.(finished());
        waiting = null;
      },
    };
    this.subscribers.add(subscriber);
    return {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve(finished());
        return new Promise((resolve) => (waiting = resolve));
      },
      return: () => {
        subscriber.end();
        return Promise.resolve(finished());
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** One notification: read the event once if anyone here wants its type, then judge each subscriber. */
  private async handle(payload: string): Promise<void> {
    const [type, id] = payload.split(":");
    const listeners = [...this.subscribers].filter((s) => !s.types || s.types.has(type as EventType));
    if (listeners.length === 0) return;
    try {
      const [row] = await this.db.query<StoredEventRow[]>(`SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE id = $1`, [id]);
      if (!row) return;
      const event = storedEvent(row);
      for (const subscriber of listeners) {
        if (await this.policy.mayHear(this.db.manager, subscriber.viewer, event)) subscriber.push(event);
      }
    } catch (error) {
      this.logger?.warn("live event not delivered", { eventId: id, reason: error instanceof Error ? error.message : String(error) });
    }
  }

  /** The listening connection failed: open another in a while (events in between are missed). */
  private lost(client: Client, error: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.logger?.warn("event listener lost its connection", { reason: error.message });
    const retry = () => {
      this.reconnect = null;
      if (this.stopped) return;
      this.start().catch((failure: unknown) => {
        this.logger?.warn("event listener could not reconnect", { reason: failure instanceof Error ? failure.message : String(failure) });
        this.reconnect = setTimeout(retry, RECONNECT_MS).unref();
      });
    };
    this.reconnect = setTimeout(retry, RECONNECT_MS).unref();
  }
}
