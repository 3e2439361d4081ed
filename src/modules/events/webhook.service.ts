import { lookup } from "node:dns/promises";
import { IsNull, type DataSource, type Repository } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows } from "../../shared/db";
import { fail, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { keysetPage, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import type { Clock } from "../../shared/time";
import { WebhookDeliveryEntity, WebhookEntity } from "./event.entity";
import { DeliveryStatus } from "./event.enums";
import { ipLiteral, isPrivateAddress, newSecret, urlProblem } from "./event.rules";
import type { CreateWebhookCommand, DeleteWebhookCommand } from "./webhook.commands";

/** At most this many live webhooks per user. */
export const MAX_WEBHOOKS_PER_USER = 20;

const WEBHOOKS_NEWEST_FIRST: Keyset<WebhookEntity> = { name: "WEBHOOKS", keys: [{ sql: "w.id", cast: "uuid", of: (w) => w.id }], direction: "DESC" };
const DELIVERIES_NEWEST_FIRST: Keyset<WebhookDeliveryEntity> = {
  name: "DELIVERIES",
  keys: [{ sql: "d.id", cast: "uuid", of: (d) => d.id }],
  direction: "DESC",
};

export interface WebhookSafety {
  /** Allow loopback, private and link-local addresses (development, tests). */
  allowPrivate: boolean;
  /** https only. */
  production: boolean;
}

export class WebhookService {
  private readonly webhooks: Repository<WebhookEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly safety: WebhookSafety,
    private readonly clock: Clock,
  ) {
    this.webhooks = db.getRepository(WebhookEntity);
  }

  /** Subscribes the viewer: the URL checked (scheme, then every address it resolves to), the secret made here and returned this once. */
  async create(viewer: Viewer, command: CreateWebhookCommand): Promise<Result<WebhookEntity>> {
    const events = [...new Set(command.events)];
    if (events.length === 0) return fail(UserErrorCode.INVALID_VALUE, "Name at least one event type to receive.", ["events"]);
    const url = command.url.trim();
    const problem = urlProblem(url, this.safety.production) ?? (await this.addressProblem(url));
    if (problem) return fail(UserErrorCode.INVALID_VALUE, problem, ["url"]);
    const live = await this.webhooks.count({ where: { ownerUserId: viewer.userId, deletedAt: IsNull() } });
    if (live >= MAX_WEBHOOKS_PER_USER) {
      return fail(UserErrorCode.INVALID_VALUE, `You have ${MAX_WEBHOOKS_PER_USER} webhooks: delete one before adding another.`, ["url"]);
    }
    const webhook = this.webhooks.create({
      id: newId(),
      ownerUserId: viewer.userId,
      url,
      events,
      secret: newSecret(),
      createdAt: this.clock.now(),
      deletedAt: null,
    });
    await insertRows(this.db.manager, WebhookEntity, [webhook]);
    return ok(webhook);
  }

  /** Stops a webhook: it receives nothing more, and its pending deliveries are given up. */
  async delete(viewer: Viewer, command: DeleteWebhookCommand): Promise<Result<WebhookEntity>> {
    return this.db.transaction(async (tx) => {
      const webhook = await this.visible(viewer, command.webhookId, tx.getRepository(WebhookEntity));
      if (!webhook) return notFound("The webhook", ["webhookId"]);
      webhook.deletedAt = this.clock.now();
      await tx.update(WebhookEntity, { id: webhook.id }, { deletedAt: webhook.deletedAt });
      await tx.update(WebhookDeliveryEntity, { webhookId: webhook.id, status: DeliveryStatus.PENDING }, { status: DeliveryStatus.FAILED });
      return ok(webhook);
    });
  }

  /** The viewer's live webhooks (an admin's own too), newest first. Secrets are never read here. */
  list(viewer: Viewer, page: PageRequest): Promise<Connection<WebhookEntity>> {
    const query = this.webhooks.createQueryBuilder("w").where("w.owner_user_id = :owner AND w.deleted_at IS NULL", { owner: viewer.userId });
    return keysetPage(query, WEBHOOKS_NEWEST_FIRST, page);
  }

  /** A webhook's deliveries, newest first, for its owner or an admin; none for anyone else. */
  async deliveries(viewer: Viewer, webhookId: string | null, page: PageRequest): Promise<Connection<WebhookDeliveryEntity>> {
    const webhook = await this.visible(viewer, webhookId, this.webhooks);
    const query = this.db
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder("d")
      .where("d.webhook_id = :id", { id: webhook?.id ?? null });
    if (!webhook) query.andWhere("false");
    return keysetPage(query, DELIVERIES_NEWEST_FIRST, page);
  }

  /** A live webhook of the viewer's (an admin: every one), or null. */
  find(viewer: Viewer, id: string | null): Promise<WebhookEntity | null> {
    return this.visible(viewer, id, this.webhooks);
  }

  private async visible(viewer: Viewer, id: string | null, repository: Repository<WebhookEntity>): Promise<WebhookEntity | null> {
    const webhook = id ? await repository.findOneBy({ id }) : null;
    return webhook && webhook.deletedAt === null && (webhook.ownerUserId === viewer.userId || viewer.roles.has(Role.ADMIN)) ? webhook : null;
  }

  /** SSRF at creation: the host must resolve, and only to public addresses (checked again at every delivery). */
  private async addressProblem(url: string): Promise<string | null> {
    if (this.safety.allowPrivate) return null;
    const host = new URL(url).hostname;
    const literal = ipLiteral(host);
    let addresses: string[];
    try {
      addresses = literal ? [literal] : (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return `The host ${host} could not be resolved: check the URL.`;
    }
    return addresses.some(isPrivateAddress) ? "Webhook URLs may not point at loopback, private or link-local addresses." : null;
  }
}
