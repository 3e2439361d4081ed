import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from "typeorm";
import { In } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { costPence, isHundredths } from "../../shared/money";
import { Connection, decodeCursor, encodeCursor, type PageArgs } from "../../shared/pagination";
import { restrictTo } from "../../shared/scope";
import { londonDate, type Clock } from "../../shared/time";
import { BookingEntity, visitStarts, type BookingService } from "../bookings";
import { canActFor, ClientEntity } from "../budgets";
import { ListingEntity } from "../listings";
import { ProviderEntity } from "../providers";
import type { ReferenceService } from "../reference";
import { QuoteEntity, QuoteRequestEntity } from "./quote.entity";
import { QuoteRequestStatus, QuoteStatus } from "./quote.enums";
import type { AcceptQuoteCommand, QuoteDecisionCommand, QuoteRequestSearch, RequestQuoteCommand, SubmitQuoteCommand } from "./quote.commands";
import { effectiveStatus, PROVIDER_SEES_REQUEST } from "./quote.rules";

export class QuoteService {
  private readonly requests: Repository<QuoteRequestEntity>;
  private readonly quotes: Repository<QuoteEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly bookings: BookingService,
    private readonly clock: Clock,
  ) {
    this.requests = db.getRepository(QuoteRequestEntity);
    this.quotes = db.getRepository(QuoteEntity);
  }

  statusOf(quote: QuoteEntity): QuoteStatus {
    return effectiveStatus(quote, this.clock.now());
  }

  /** Client actors and commissioners see every quote of a request; a provider its own. */
  canSeeQuote(viewer: Viewer | null, quote: QuoteEntity, client: ClientEntity): boolean {
    return viewer !== null && (canActFor(viewer, client) || viewer.providerId === quote.providerId);
  }

  async findVisibleRequest(viewer: Viewer | null, id: string | null, tx: EntityManager = this.db.manager): Promise<QuoteRequestEntity | null> {
    if (!viewer || !id) return null;
    return this.scoped(viewer, tx).andWhere("r.id = :id", { id }).getOne();
  }

  async request(viewer: Viewer, input: RequestQuoteCommand): Promise<Result<QuoteRequestEntity>> {
    const client = input.clientId ? await this.db.getRepository(ClientEntity).findOneBy({ id: input.clientId }) : null;
    if (!client || !canActFor(viewer, client)) return notFound("The client", ["clientId"]);
    const errors: UserErrorData[] = [];
    const invalid = (field: (string | number)[], message: string, code = UserErrorCode.INVALID_VALUE) => errors.push({ code, message, field });
    if (!(await this.reference.findCategory(input.categoryCode)))
      invalid(["categoryCode"], `No category has code ${input.categoryCode}.`, UserErrorCode.NOT_FOUND);
    if (input.startsOn < londonDate(this.clock.now())) invalid(["startsOn"], "The support would start in the past.");
    if (input.endsOn < input.startsOn) invalid(["endsOn"], "The period ends before it starts.");
    if (!isHundredths(input.unitsPerWeek)) invalid(["unitsPerWeek"], "Units per week has at most two decimals.");
    const named = input.providerIds;
    const existing = await this.db
      .getRepository(ProviderEntity)
      .find({ select: { id: true }, where: { id: In(named.filter((id): id is string => id !== null)) } });
    named.forEach((id, index) => {
      if (!id || !existing.some((p) => p.id === id)) invalid(["providerIds", index], "No provider has this ID.", UserErrorCode.NOT_FOUND);
    });
    if (errors.length) return failAll(errors);

    const request = this.requests.create({
      id: newId(),
      clientId: client.id,
      fundingBodyCode: client.fundingBodyCode,
      postcodeDistrict: client.postcodeDistrict,
      categoryCode: input.categoryCode,
      description: input.description.trim(),
      unitsPerWeek: input.unitsPerWeek,
      schedule: input.schedule.trim(),
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      namedProviderIds: [...new Set(named as string[])],
      status: QuoteRequestStatus.OPEN,
      createdByUserId: viewer.userId,
      createdAt: this.clock.now(),
    });
    await insertRows(this.db.manager, QuoteRequestEntity, [request]);
    return ok(request);
  }

  async submit(viewer: Viewer, input: SubmitQuoteCommand): Promise<Result<QuoteEntity>> {
    const request = await this.findVisibleRequest(viewer, input.requestId);
    if (!request || !viewer.providerId) return notFound("The quote request", ["requestId"]);
    if (request.status !== QuoteRequestStatus.OPEN)
      return fail(UserErrorCode.INVALID_TRANSITION, `The request is ${request.status}: it takes no more quotes.`, ["requestId"]);
    const listing = input.listingId ? await this.db.getRepository(ListingEntity).findOneBy({ id: input.listingId }) : null;
    if (!listing || listing.providerId !== viewer.providerId || !listing.active) return notFound("The listing", ["listingId"]);

    const errors: UserErrorData[] = [];
    const invalid = (field: string, message: string) => errors.push({ code: UserErrorCode.INVALID_VALUE, message, field: [field] });
    if (listing.categoryCode !== request.categoryCode)
      invalid("listingId", `The request is for ${request.categoryCode}; quote with a listing in that category.`);
    if (!(Number.isInteger(input.unitPricePence) && input.unitPricePence > 0)) invalid("unitPricePence", "The price is a positive whole number of pence.");
    if (!(input.unitsPerVisit > 0 && isHundredths(input.unitsPerVisit))) invalid("unitsPerVisit", "Units per visit is positive, with at most two decimals.");
    const firstDay = londonDate(input.startsAt);
    if (firstDay < request.startsOn || firstDay > request.endsOn)
      invalid("startsAt", `The first visit must fall within the requested period, ${request.startsOn} to ${request.endsOn}.`);
    if (input.validUntil <= this.clock.now()) invalid("validUntil", "The quote would already have expired.");
    const starts = visitStarts(input.startsAt, input.recurrence?.trim() || null, request.endsOn);
    if (!starts.ok) errors.push(...starts.errors);
    if (errors.length || !starts.ok) return failAll(errors);

    const quote = this.quotes.create({
      id: newId(),
      requestId: request.id,
      providerId: viewer.providerId,
      listingId: listing.id,
      unitPricePence: input.unitPricePence,
      unitsPerVisit: input.unitsPerVisit,
      startsAt: input.startsAt,
      recurrence: input.recurrence?.trim() || null,
      visitCount: starts.value.length,
      totalPence: starts.value.length * costPence(input.unitsPerVisit, input.unitPricePence),
      validUntil: input.validUntil,
      status: QuoteStatus.SUBMITTED,
      note: input.note.trim(),
      createdAt: this.clock.now(),
    });
    try {
      await insertRows(this.db.manager, QuoteEntity, [quote]);
    } catch (error) {
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_quotes_one_submitted_per_provider")) {
        return fail(UserErrorCode.ALREADY_EXISTS, "You already have a quote on this request: withdraw it to send another.", ["requestId"]);
      }
      throw error;
    }
    return ok(quote);
  }

  withdraw(viewer: Viewer, input: QuoteDecisionCommand): Promise<Result<QuoteEntity>> {
    return this.decide(viewer, input, QuoteStatus.WITHDRAWN, (quote) => viewer.providerId === quote.providerId);
  }

  decline(viewer: Viewer, input: QuoteDecisionCommand): Promise<Result<QuoteEntity>> {
    return this.decide(viewer, input, QuoteStatus.DECLINED, (_quote, client) => canActFor(viewer, client));
  }

  /**
   * Books at the quoted price, in one transaction with closing the request: the quote is
   * ACCEPTED, its rivals DECLINED, the booking made (CONFIRMED: the provider has agreed) and
   * its cost committed, or nothing at all. Idempotent.
   */
  async accept(viewer: Viewer, input: AcceptQuoteCommand): Promise<Result<BookingEntity>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: input.idempotencyKey, operation: "acceptQuote", input },
        async () => {
          const found = await this.quoteFor(tx, viewer, input.quoteId, (_quote, client) => canActFor(viewer, client));
          if (!found.ok) return found;
          const { quote, request } = found.value;
          const status = this.statusOf(quote);
          if (status === QuoteStatus.EXPIRED) return fail(UserErrorCode.QUOTE_EXPIRED, "This quote has expired: ask the provider for a new one.", ["quoteId"]);
          // The request first, then its quotes: two rival acceptances queue on the request instead
          // of each holding its own quote while waiting for the other's (a deadlock).
          const closed = await tx.update(QuoteRequestEntity, { id: request.id, status: QuoteRequestStatus.OPEN }, { status: QuoteRequestStatus.CLOSED });
          const accepted =
            closed.affected === 1 ? await tx.update(QuoteEntity, { id: quote.id, status: QuoteStatus.SUBMITTED }, { status: QuoteStatus.ACCEPTED }) : null;
          if (closed.affected !== 1 || accepted?.affected !== 1) {
            return fail(UserErrorCode.INVALID_TRANSITION, `This quote is ${status} and its request ${request.status}: it cannot be accepted.`, ["quoteId"]);
          }
          await tx.update(QuoteEntity, { requestId: request.id, status: QuoteStatus.SUBMITTED }, { status: QuoteStatus.DECLINED });
          return this.bookings.book(tx, viewer, {
            listingId: quote.listingId,
            budgetId: input.budgetId,
            startsAt: quote.startsAt,
            recurrence: quote.recurrence,
            unitsPerVisit: quote.unitsPerVisit,
            unitPricePence: quote.unitPricePence,
            payeeRelationship: input.payeeRelationship,
            quoteId: quote.id,
            lastDay: request.endsOn,
          });
        },
        (booking) => booking.id,
        (id) => tx.findOneBy(BookingEntity, { id }),
      ),
    );
  }

  async listRequests(viewer: Viewer, filter: QuoteRequestSearch | null | undefined, { first, after }: PageArgs): Promise<Connection<QuoteRequestEntity>> {
    const query = this.scoped(viewer, this.db.manager);
    if (filter?.statuses?.length) query.andWhere("r.status IN (:...statuses)", { statuses: filter.statuses });
    if (filter?.clientId !== undefined)
      query.andWhere(filter.clientId === null ? "false" : "r.client_id = :filterClientId", { filterClientId: filter.clientId });
    const page = query
      .clone()
      .orderBy("r.id", "DESC")
      .limit(first + 1);
    if (after) page.andWhere("r.id < :after::uuid", { after: decodeCursor(after, "REQUESTS", 1)[0] });
    return new Connection(
      await page.getMany(),
      first,
      (r) => encodeCursor("REQUESTS", [r.id]),
      () => query.getCount(),
    );
  }

  private async decide(
    viewer: Viewer,
    input: QuoteDecisionCommand,
    to: QuoteStatus,
    allowed: (quote: QuoteEntity, client: ClientEntity) => boolean,
  ): Promise<Result<QuoteEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.quoteFor(tx, viewer, input.quoteId, allowed);
      if (!found.ok) return found;
      const { quote } = found.value;
      const refused = () =>
        fail<QuoteEntity>(UserErrorCode.INVALID_TRANSITION, `This quote is ${this.statusOf(quote)}: only a submitted quote can be ${to.toLowerCase()}.`, [
          "quoteId",
        ]);
      if (this.statusOf(quote) === QuoteStatus.EXPIRED) return refused();
      const changed = await tx.update(QuoteEntity, { id: quote.id, status: QuoteStatus.SUBMITTED }, { status: to });
      if (changed.affected !== 1) return refused();
      return ok(Object.assign(quote, { status: to }));
    });
  }

  private async quoteFor(
    tx: EntityManager,
    viewer: Viewer,
    id: string | null,
    allowed: (quote: QuoteEntity, client: ClientEntity) => boolean,
  ): Promise<Result<{ quote: QuoteEntity; request: QuoteRequestEntity }>> {
    const quote = id ? await tx.findOneBy(QuoteEntity, { id }) : null;
    const request = quote ? await tx.findOneByOrFail(QuoteRequestEntity, { id: quote.requestId }) : null;
    const client = request ? await tx.findOneByOrFail(ClientEntity, { id: request.clientId }) : null;
    if (!quote || !request || !client || !allowed(quote, client)) return notFound("The quote", ["quoteId"]);
    return ok({ quote, request });
  }

  private scoped(viewer: Viewer, tx: EntityManager): SelectQueryBuilder<QuoteRequestEntity> {
    const query = tx.getRepository(QuoteRequestEntity).createQueryBuilder("r");
    if (viewer.roles.has(Role.ADMIN)) return query;
    const scopes: string[] = [];
    if (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode) scopes.push("r.funding_body_code = :fundingBodyCode");
    if (viewer.roles.has(Role.CLIENT) && viewer.clientId) scopes.push("r.client_id = :clientId");
    if (viewer.roles.has(Role.BROKER)) scopes.push("r.client_id IN (SELECT id FROM clients WHERE broker_user_id = :userId)");
    if (viewer.roles.has(Role.PROVIDER) && viewer.providerId) scopes.push(PROVIDER_SEES_REQUEST);
    return restrictTo(query, scopes, {
      fundingBodyCode: viewer.fundingBodyCode,
      clientId: viewer.clientId,
      userId: viewer.userId,
      providerId: viewer.providerId,
    });
  }
}
