import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { PageArgs, type Connection } from "../../shared/pagination";
import type { DeliveryAttemptRecord, EventEntity, WebhookDeliveryEntity, WebhookEntity } from "./event.entity";
import { DeliveryStatus, EventType, type PriceAlertReason } from "./event.enums";
import type { StoredEvent } from "./event.models";
import { CreateWebhookInput, DeleteWebhookInput, PriceAlertsArgs, WebhookDeliveriesArgs } from "./event.inputs";
import {
  CreateWebhookPayload,
  Event,
  DeleteWebhookPayload,
  PriceAlert,
  PriceAlertConnection,
  Webhook,
  WebhookConnection,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookDeliveryConnection,
} from "./event.types";

const SUBSCRIBERS = [Role.PROVIDER, Role.BROKER, Role.COMMISSIONER, Role.ADMIN];

@Authorized(...SUBSCRIBERS)
@Resolver()
export class WebhookQueries {
  @Query(() => WebhookConnection, { description: "Your webhooks, newest first." })
  webhooks(@Args() page: PageArgs, @Ctx() { viewer, services }: Context): Promise<Connection<WebhookEntity>> {
    return services.webhooks.list(signedIn(viewer), page);
  }

  @Query(() => WebhookDeliveryConnection, { description: "A webhook's deliveries, newest first: attempts, status codes, next retry." })
  webhookDeliveries(@Args() { webhookId, ...page }: WebhookDeliveriesArgs, @Ctx() { viewer, services }: Context): Promise<Connection<WebhookDeliveryEntity>> {
    return services.webhooks.deliveries(signedIn(viewer), uuidOf(webhookId, "Webhook"), page);
  }
}

@Authorized(...SUBSCRIBERS)
@Resolver()
export class WebhookMutations {
  @Mutation(() => CreateWebhookPayload, { description: "Subscribes a URL to event types. The answer carries the signing secret: it is never shown again." })
  async createWebhook(@Arg("input") input: CreateWebhookInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("webhook", await services.webhooks.create(signedIn(viewer), { url: input.url, events: input.events }));
  }

  @Mutation(() => DeleteWebhookPayload, { description: "Stops a webhook; its pending deliveries are given up." })
  async deleteWebhook(@Arg("input") input: DeleteWebhookInput, @Ctx() { viewer, services }: Context) {
    const result = await services.webhooks.delete(signedIn(viewer), { webhookId: uuidOf(input.webhookId, "Webhook") });
    return toInputPayload("webhook", result.ok ? { ...result, value: Object.assign(result.value, { secret: null }) } : result);
  }
}

@Resolver(() => Webhook)
export class WebhookFields {
  @FieldResolver(() => ID)
  id(@Root() webhook: WebhookEntity): string {
    return toGlobalId("Webhook", webhook.id);
  }

  @FieldResolver(() => String, { nullable: true })
  secret(@Root() webhook: WebhookEntity): string | null {
    return webhook.secret ?? null;
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryFields {
  @FieldResolver(() => ID)
  id(@Root() delivery: WebhookDeliveryEntity): string {
    return toGlobalId("WebhookDelivery", delivery.id);
  }

  @FieldResolver(() => [WebhookDeliveryAttempt])
  attempts(@Root() delivery: WebhookDeliveryEntity): WebhookDeliveryAttempt[] {
    return delivery.attempts.map((a: DeliveryAttemptRecord) => ({ ...a, at: new Date(a.at) }));
  }

  @FieldResolver(() => Date, { nullable: true })
  nextAttemptAt(@Root() delivery: WebhookDeliveryEntity): Date | null {
    return delivery.status === DeliveryStatus.PENDING ? delivery.nextAttemptAt : null;
  }
}

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class PriceAlertQueries {
  @Query(() => PriceAlertConnection, { description: "A funding body's PRICE_RISE alerts between two days, newest first (its commissioners, admins)." })
  priceAlerts(@Args() { fundingBodyCode, from, to, ...page }: PriceAlertsArgs, @Ctx() { viewer, services }: Context): Promise<Connection<EventEntity>> {
    return services.events.priceAlerts(signedIn(viewer), fundingBodyCode, from, to, page);
  }
}

/** What a PRICE_RISE event's data holds (EventService.watchPrice). */
interface PriceAlertData {
  listingId: string;
  quoteId?: string;
  categoryCode: string;
  previousPricePence: number | null;
  pricePence: number;
  referencePence: number | null;
  risePercent: number | null;
  alertPercent: number;
  reasons: PriceAlertReason[];
}

@Resolver(() => PriceAlert)
export class PriceAlertFields {
  @FieldResolver(() => ID)
  id(@Root() event: EventEntity): string {
    return toGlobalId("PriceAlert", event.id);
  }

  @FieldResolver()
  listingId(@Root() event: EventEntity): string {
    return alert(event).listingId;
  }

  @FieldResolver(() => ID, { nullable: true })
  quoteId(@Root() event: EventEntity): string | null {
    return alert(event).quoteId ?? null;
  }

  @FieldResolver()
  categoryCode(@Root() event: EventEntity): string {
    return alert(event).categoryCode;
  }

  @FieldResolver()
  previousPricePence(@Root() event: EventEntity): number | null {
    return alert(event).previousPricePence;
  }

  @FieldResolver()
  pricePence(@Root() event: EventEntity): number {
    return alert(event).pricePence;
  }

  @FieldResolver()
  referencePence(@Root() event: EventEntity): number | null {
    return alert(event).referencePence;
  }

  @FieldResolver()
  risePercent(@Root() event: EventEntity): number | null {
    return alert(event).risePercent;
  }

  @FieldResolver()
  alertPercent(@Root() event: EventEntity): number {
    return alert(event).alertPercent;
  }

  @FieldResolver()
  reasons(@Root() event: EventEntity): PriceAlertReason[] {
    return alert(event).reasons;
  }
}

function alert(event: EventEntity): PriceAlertData {
  return event.data as unknown as PriceAlertData;
}

/**
 * Live events over WebSocket (graphql-ws; the token in `connection_init`): fed by EventFeed from
 * the outbox in every API process, judged by the webhooks' rule (EventPolicy).
 */
@Authorized()
@Resolver()
export class EventSubscriptions {
  @Subscription(() => Event, {
    description: "Events you may hear, of `types` (all when left out), as they commit: the webhooks' body and rules, at most once.",
    subscribe: ({ args, context }: { args: { types?: EventType[] | null }; context: Context }) =>
      context.services.feed.subscribe(signedIn(context.viewer), args.types ?? null),
  })
  events(@Root() event: StoredEvent, @Arg("types", () => [EventType], { nullable: true }) _types?: EventType[]): Event {
    return { id: event.id, type: event.type, occurredAt: event.occurredAt, data: event.data };
  }
}
