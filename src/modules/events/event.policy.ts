/**
 * The one rule of who hears an event, for webhooks (and for subscriptions, when they come): the
 * audience stored with the event, judged by the same visibility rules as the GraphQL types.
 */
import type { EntityManager } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { EventType } from "./event.enums";
import type { StoredEvent, Visibility } from "./event.models";

export class EventPolicy {
  constructor(private readonly visibility: Visibility) {}

  /**
   * Admins hear everything. Price alerts go to the funding body's commissioners only. Otherwise:
   * commissioners hear about their funding body; a provider's members about their provider's
   * objects, and quote requests their provider may see; brokers and clients about the clients
   * they may act for.
   */
  async mayHear(tx: EntityManager, viewer: Viewer, event: StoredEvent): Promise<boolean> {
    const has = (role: Role) => viewer.roles.has(role);
    if (has(Role.ADMIN)) return true;
    const ownFundingBody = has(Role.COMMISSIONER) && viewer.fundingBodyCode !== null && viewer.fundingBodyCode === event.fundingBodyCode;
    if (event.type === EventType.PRICE_RISE) return ownFundingBody;
    if (ownFundingBody) return true;
    if (has(Role.PROVIDER) && viewer.providerId !== null) {
      if (event.providerId === viewer.providerId) return true;
      if (event.quoteRequestId && (await this.visibility.quoteRequest(tx, viewer, event.quoteRequestId))) return true;
    }
    if ((has(Role.BROKER) || has(Role.CLIENT)) && event.clientId) return this.visibility.client(tx, viewer, event.clientId);
    return false;
  }
}
