/**
 * The request context as the events module's resolvers see it: the providers module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { ProvidersContext } from "../providers";
import type { EventFeed } from "./event.feed";
import type { EventService } from "./event.service";
import type { WebhookService } from "./webhook.service";

export interface EventsServices {
  events: EventService;
  webhooks: WebhookService;
  feed: EventFeed;
}

export type Context = Extend<ProvidersContext, EventsServices, object>;
