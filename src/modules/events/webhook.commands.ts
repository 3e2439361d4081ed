import type { EventType } from "./event.enums";

export interface CreateWebhookCommand {
  url: string;
  events: EventType[];
}

export interface DeleteWebhookCommand {
  /** null: an id that named no webhook. */
  webhookId: string | null;
}
