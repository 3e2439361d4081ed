/**
 * Events: the outbox every change that others must hear about writes to (in its own transaction),
 * webhooks that receive them signed (Standard Webhooks), the delivery worker, and price alerts.
 */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { EventEntity, EventFanoutEntity, WebhookDeliveryEntity, WebhookEntity } from "./event.entity";
import {
  EventSubscriptions,
  PriceAlertFields,
  PriceAlertQueries,
  WebhookDeliveryFields,
  WebhookFields,
  WebhookMutations,
  WebhookQueries,
} from "./event.resolver";

export { EventType, DeliveryStatus, PriceAlertReason } from "./event.enums";
export type { EventAudience, NewEvent, StoredEvent, Visibility } from "./event.models";
export { EventPolicy } from "./event.policy";
export { EventFeed } from "./event.feed";
export { EventService, type WatchedPrice } from "./event.service";
export { WebhookService, type WebhookSafety } from "./webhook.service";
export { WebhookDispatcher, type DispatcherSettings } from "./webhook.dispatcher";
export { signature, isPrivateAddress, priceAlertReasons, nextAttemptAt } from "./event.rules";
export type { Context as EventsContext, EventsServices } from "./context";

export const eventsModule = {
  entities: [EventEntity, WebhookEntity, WebhookDeliveryEntity, EventFanoutEntity],
  resolvers: [WebhookQueries, WebhookMutations, WebhookFields, WebhookDeliveryFields, PriceAlertQueries, PriceAlertFields, EventSubscriptions],
  nodes: {
    Webhook: async (id, { viewer, services }) => (viewer && isUuid(id) ? services.webhooks.find(viewer, id) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
