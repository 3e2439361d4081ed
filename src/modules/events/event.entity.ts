import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { DeliveryStatus, EventType } from "./event.enums";

/**
 * The outbox: one row per event, written in the transaction of the change it reports, so an event
 * exists if and only if its change committed. Also the store the price alerts are listed from.
 */
@Entity("events")
@Index("idx_events_order", ["txId", "id"])
@Index("idx_events_type_funding_body", ["type", "fundingBodyCode", "occurredAt"])
export class EventEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /**
   * The writing transaction's id (pg_current_xact_id). Events are fanned out in (txId, id) order,
   * and only once every transaction with a smaller id has ended, so none is ever passed over.
   */
  @Column({ type: "bigint", transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  txId!: number;

  @Column({ type: "varchar", length: 40 })
  type!: EventType;

  @Column({ type: "timestamptz" })
  occurredAt!: Date;

  /** The JSON body's `data`: global ids and the minimum of personal data. */
  @Column({ type: "jsonb" })
  data!: Record<string, unknown>;

  // The audience: who may hear it (EventPolicy.mayHear). Null: nobody by that route.
  @Column({ type: "uuid", nullable: true })
  providerId!: string | null;

  @Column({ type: "uuid", nullable: true })
  clientId!: string | null;

  @Column({ type: "varchar", length: 9, nullable: true })
  fundingBodyCode!: string | null;

  /** A quote request providers may see by area and category (the quotes module decides). */
  @Column({ type: "uuid", nullable: true })
  quoteRequestId!: string | null;
}

/** A subscriber's endpoint. Belongs to the user who created it; hears what that user may see. */
@Entity("webhooks")
@Index("idx_webhooks_owner", ["ownerUserId", "id"])
export class WebhookEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  ownerUserId!: string;

  @Column({ type: "varchar", length: 2000 })
  url!: string;

  @Column({ type: "varchar", length: 40, array: true })
  events!: EventType[];

  /** `whsec_` + base64 of the signing key; shown once, on creation. */
  @Column({ type: "varchar", length: 100, select: false })
  secret!: string;

  @Column({ type: "timestamptz" })
  createdAt!: Date;

  /** Deleted webhooks keep their deliveries' history and receive nothing more. */
  @Column({ type: "timestamptz", nullable: true })
  deletedAt!: Date | null;

  /**
   * A worker holds the webhook's queue until then: it alone sends the webhook's deliveries, one at a
   * time in event order (another worker may take over once the lease has expired, if it died).
   */
  @Column({ type: "timestamptz", nullable: true })
  leasedUntil!: Date | null;
}

/** One attempt to POST a delivery. */
export interface DeliveryAttemptRecord {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One event for one webhook: attempted until a 2xx answer, or for a day. */
@Entity("webhook_deliveries")
@Index("uq_webhook_deliveries_webhook_event", ["webhookId", "eventId"], { unique: true })
@Index("idx_webhook_deliveries_pending", ["webhookId", "eventTxId", "eventId"], { where: `"status" = 'PENDING'` })
export class WebhookDeliveryEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("webhooks", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  webhookId!: string;

  @ForeignKey("events", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  eventId!: string;

  /** The event's order (its txId, then its id): a webhook's deliveries go out in this order. */
  @Column({ type: "bigint", transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  eventTxId!: number;

  @Column({ type: "varchar", length: 40 })
  eventType!: EventType;

  @Column({ type: "enum", enum: DeliveryStatus, enumName: "webhook_delivery_status", default: DeliveryStatus.PENDING })
  status!: DeliveryStatus;

  @Column({ type: "timestamptz" })
  nextAttemptAt!: Date;

  @Column({ type: "jsonb", default: () => "'[]'" })
  attempts!: DeliveryAttemptRecord[];

  @Column({ type: "timestamptz" })
  createdAt!: Date;

  @Column({ type: "timestamptz", nullable: true })
  deliveredAt!: Date | null;
}

/** Where the fan-out of events to webhooks has got to: one row (id 1), locked by the process fanning out. */
@Entity("event_fanout")
export class EventFanoutEntity {
  @PrimaryColumn({ type: "smallint" })
  id!: number;

  @Column({ type: "bigint", transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  lastTxId!: number;

  @Column({ type: "uuid" })
  lastEventId!: string;
}
