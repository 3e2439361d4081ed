import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { DeliveryStatus, EventType, PriceAlertReason } from "./event.enums";

registerEnumType(EventType, {
  name: "EventType",
  valuesConfig: {
    BOOKING_REQUESTED: { description: "A booking was placed (REQUESTED, or PENDING_APPROVAL), or approved into REQUESTED." },
    BOOKING_CONFIRMED: { description: "The provider confirmed a booking, or an accepted quote made one." },
    BOOKING_CANCELLED: { description: "A booking was cancelled, declined or rejected (`data.status` says which)." },
    QUOTE_REQUESTED: { description: "A client asked for quotes: providers who may see the request hear it." },
    QUOTE_SUBMITTED: { description: "A provider quoted on a request." },
    VISIT_RECORDED: { description: "A visit was recorded as delivered or missed." },
    VISIT_DISPUTED: { description: "A visit's record was disputed (settlement)." },
    PAYMENT_RUN_PAID: { description: "A payment run was paid (settlement)." },
    PRICE_RISE: { description: "For commissioners: a listing or quote price rose past the alert threshold or above the reference rate." },
  },
});
registerEnumType(DeliveryStatus, { name: "WebhookDeliveryStatus" });
registerEnumType(PriceAlertReason, { name: "PriceAlertReason" });

@ObjectType({ implements: Node, description: "An endpoint that receives signed events (Standard Webhooks)." })
export class Webhook extends Node {
  @Field()
  url!: string;

  @Field(() => [EventType])
  events!: EventType[];

  @Field(() => String, {
    nullable: true,
    description:
      "`whsec_` + base64 signing key: only in createWebhook's answer, never again. Verify `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `webhook-id.webhook-timestamp.body`) with it.",
  })
  secret!: string | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: "One POST of a delivery." })
export class WebhookDeliveryAttempt {
  @Field()
  at!: Date;

  @Field(() => Int, { nullable: true, description: "The receiver's HTTP status; null when it did not answer." })
  statusCode!: number | null;

  @Field(() => String, { nullable: true, description: "Why there was no answer (timeout, refused address, network)." })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType({ description: "One event for one webhook, attempted until a 2xx answer or for a day." })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: "The event's id: the body's `id` and the `webhook-id` header (deduplicate on it)." })
  eventId!: string;

  @Field(() => EventType)
  eventType!: EventType;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => [WebhookDeliveryAttempt])
  attempts!: WebhookDeliveryAttempt[];

  @Field(() => Date, { nullable: true, description: "When the next attempt is due (pending deliveries)." })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: "A PRICE_RISE event, as a commissioner lists it (the same facts as the event's `data`)." })
export class PriceAlert {
  @Field(() => ID, { description: "The event's id (the webhook body's `id`)." })
  id!: string;

  @Field()
  occurredAt!: Date;

  @Field(() => ID, { description: "The listing whose price rose, or which the quote was made from." })
  listingId!: string;

  @Field(() => ID, { nullable: true, description: "The quote, when a quote raised the alert." })
  quoteId!: string | null;

  @Field()
  categoryCode!: string;

  @Field(() => Pence, { nullable: true, description: "The listing's price before (a quote: its listing's price)." })
  previousPricePence!: number | null;

  @Field(() => Pence)
  pricePence!: number;

  @Field(() => Pence, { nullable: true, description: "The funding body's reference rate per unit on the day; null: none." })
  referencePence!: number | null;

  @Field(() => Float, { nullable: true })
  risePercent!: number | null;

  @Field(() => Int, { description: "The funding body's priceRiseAlertPercent at the time." })
  alertPercent!: number;

  @Field(() => [PriceAlertReason])
  reasons!: PriceAlertReason[];
}

@ObjectType({ description: "An event, as a webhook's body carries it: `{ id type occurredAt data }` (the `events` subscription)." })
export class Event {
  @Field(() => ID, { description: "The event's id: a webhook delivery's `webhook-id` (deduplicate on it)." })
  id!: string;

  @Field(() => EventType)
  type!: EventType;

  @Field()
  occurredAt!: Date;

  @Field(() => GraphQLJSONObject, { description: "The type's facts: global ids and the minimum of personal data (API.md, Events)." })
  data!: Record<string, unknown>;
}

export const WebhookConnection = connectionType(Webhook);
export const WebhookDeliveryConnection = connectionType(WebhookDelivery);
export const PriceAlertConnection = connectionType(PriceAlert);
export const CreateWebhookPayload = payloadType("CreateWebhookPayload", "webhook", Webhook);
export const DeleteWebhookPayload = payloadType("DeleteWebhookPayload", "webhook", Webhook);
