import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { costPence } from "../../shared/money";
import { keysetPage, whereIdIs, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import { londonDate, type Clock } from "../../shared/time";
import { isUnits, Quantity, unitsRule } from "../../shared/units";
import { scheduleFields, visitMinutes, visitStarts, type BookingService, type BookingView } from "../bookings";
import { canActFor, restrictToActFor, type BudgetService, type ClientView } from "../budgets";
import { settingRefusal, type ListingService, type ListingTerms } from "../listings";
import type { ProviderService } from "../providers";
import { firstOutsideBand, outsideBandMessage, type ReferenceService } from "../reference";
import { QuoteEntity, QuoteRequestEntity } from "./quote.entity";
import { QuoteRequestStatus, QuoteStatus } from "./quote.enums";
import type { AcceptQuoteCommand, QuoteDecisionCommand, QuoteRequestSearch, RequestQuoteCommand, SubmitQuoteCommand } from "./quote.commands";
import { effectiveStatus, providerSeesRequests, REQUEST_CLIENT } from "./quote.rules";

/** The requests list, newest first (the cursors it has always written: ["REQUESTS", id]). */
const REQUESTS_NEWEST_FIRST: Keyset<QuoteRequestEntity> = { name: "REQUESTS", keys: [{ sql: "r.id", cast: "uuid", of: (r) => r.id }], direction: "DESC" };

/** Who may decide on a quote, given the quote and its request's client. */
type Allowed = (quote: QuoteEntity, client: ClientView) => boolean;

export class QuoteService {
  private readonly requests: Repository<QuoteRequestEntity>;
  private readonly quotes: Repository<QuoteEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly providers: ProviderService,
    private readonly listings: ListingService,
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
  canSeeQuote(viewer: Viewer | null, quote: QuoteEntity, client: ClientView): boolean {
    return viewer !== null && (canActFor(viewer, client) || viewer.providerId === quote.providerId);
  }

  async findVisibleRequest(viewer: Viewer | null, id: string | null, tx: EntityManager = this.db.manager): Promise<QuoteRequestEntity | null> {
    if (!viewer || !id) return null;
    return whereIdIs(this.scoped(viewer, tx), "r.id", id).getOne();
  }

  async request(viewer: Viewer, command: RequestQuoteCommand): Promise<Result<QuoteRequestEntity>> {
    const client = command.clientId ? await this.budgets.findClient(this.db.manager, command.clientId) : null;
    if (!client || !canActFor(viewer, client)) return notFound("The client", ["clientId"]);
    const errors = await this.requestErrors(command);
    if (errors.length) return failAll(errors);
    const request = this.requests.create({
      id: newId(),
      clientId: client.id,
      fundingBodyCode: client.fundingBodyCode,
      postcodeDistrict: client.postcodeDistrict,
      categoryCode: command.categoryCode,
      description: command.description.trim(),
      unitsPerWeek: command.unitsPerWeek,
      schedule: command.schedule.trim(),
      startsOn: command.startsOn,
      endsOn: command.endsOn,
      namedProviderIds: [...new Set(command.providerIds as string[])],
      status: QuoteRequestStatus.OPEN,
      createdByUserId: viewer.userId,
      createdAt: this.clock.now(),
    });
    await insertRows(this.db.manager, QuoteRequestEntity, [request]);
    return ok(request);
  }

  async submit(viewer: Viewer, command: SubmitQuoteCommand): Promise<Result<QuoteEntity>> {
    const request = await this.findVisibleRequest(viewer, command.requestId);
    if (!request || !viewer.providerId) return notFound("The quote request", ["requestId"]);
    if (request.status !== QuoteRequestStatus.OPEN)
      return fail(UserErrorCode.INVALID_TRANSITION, `The request is ${request.status}: it takes no more quotes.`, ["requestId"]);
    const listing = command.listingId ? await this.listings.forBooking(this.db.manager, command.listingId) : null;
    if (!listing || listing.providerId !== viewer.providerId || !listing.active) return notFound("The listing", ["listingId"]);
    const starts = this.visitsQuoted(request, listing, command);
    if (!starts.ok) return starts;
    const fits = await this.fitsClient(request, listing, command, starts.value);
    if (!fits.ok) return fits;
    return this.insertQuote(
      this.quotes.create({
        id: newId(),
        requestId: request.id,
        providerId: viewer.providerId,
        listingId: listing.id,
        unitPricePence: command.unitPricePence,
        ...scheduleFields(command),
        visitCount: starts.value.length,
        totalPence: starts.value.length * costPence(command.unitsPerVisit, command.unitPricePence),
        validUntil: command.validUntil,
        status: QuoteStatus.SUBMITTED,
        note: command.note.trim(),
        payeeDeclaredByProvider: command.payeeRelationship,
        createdAt: this.clock.now(),
      }),
    );
  }

  withdraw(viewer: Viewer, command: QuoteDecisionCommand): Promise<Result<QuoteEntity>> {
    return this.decide(viewer, command, QuoteStatus.WITHDRAWN, (quote) => viewer.providerId === quote.providerId);
  }

  decline(viewer: Viewer, command: QuoteDecisionCommand): Promise<Result<QuoteEntity>> {
    return this.decide(viewer, command, QuoteStatus.DECLINED, (_quote, client) => canActFor(viewer, client));
  }

  /**
   * Books at the quoted price, in one transaction with closing the request: the quote is
   * ACCEPTED, its rivals DECLINED, the booking made (CONFIRMED: the provider has agreed) and
   * its cost committed, or nothing at all. Idempotent.
   */
  accept(viewer: Viewer, command: AcceptQuoteCommand): Promise<Result<BookingView>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "acceptQuote", input: command },
        () => this.acceptWithin(tx, viewer, command),
        (booking) => booking.id,
        (id) => this.bookings.byId(tx, id),
      ),
    );
  }

  async listRequests(viewer: Viewer, search: QuoteRequestSearch | null | undefined, page: PageRequest): Promise<Connection<QuoteRequestEntity>> {
    const query = this.scoped(viewer, this.db.manager);
    if (search?.statuses?.length) query.andWhere("r.status IN (:...statuses)", { statuses: search.statuses });
    return keysetPage(whereIdIs(query, "r.client_id", search?.clientId), REQUESTS_NEWEST_FIRST, page);
  }

  /** Everything wrong with a request's terms (its client checked already), in the order of its fields. */
  private async requestErrors(command: RequestQuoteCommand): Promise<UserErrorData[]> {
    const errors: UserErrorData[] = [];
    const invalid = (field: (string | number)[], message: string, code = UserErrorCode.INVALID_VALUE) => errors.push({ code, message, field });
    if (!(await this.reference.findCategory(command.categoryCode)))
      invalid(["categoryCode"], `No category has code ${command.categoryCode}.`, UserErrorCode.NOT_FOUND);
    if (command.startsOn < londonDate(this.clock.now())) invalid(["startsOn"], "The support would start in the past.");
    if (command.endsOn < command.startsOn) invalid(["endsOn"], "The period ends before it starts.");
    if (!isUnits(Quantity.PER_WEEK, command.unitsPerWeek)) invalid(["unitsPerWeek"], unitsRule(Quantity.PER_WEEK));
    const named = command.providerIds;
    const existing = await this.providers.existingIds(
      this.db.manager,
      named.filter((id): id is string => id !== null),
    );
    named.forEach((id, index) => {
      if (!id || !existing.has(id)) invalid(["providerIds", index], "No provider has this ID.", UserErrorCode.NOT_FOUND);
    });
    return errors;
  }

  /** The starts of the visits a quote prices over the requested period, or everything wrong with it. */
  private visitsQuoted(request: QuoteRequestEntity, listing: ListingTerms, command: SubmitQuoteCommand): Result<Date[]> {
    const errors: UserErrorData[] = [];
    const invalid = (field: string, message: string) => errors.push({ code: UserErrorCode.INVALID_VALUE, message, field: [field] });
    if (listing.categoryCode !== request.categoryCode)
      invalid("listingId", `The request is for ${request.categoryCode}; quote with a listing in that category.`);
    if (!(Number.isInteger(command.unitPricePence) && command.unitPricePence > 0)) invalid("unitPricePence", "The price is a positive whole number of pence.");
    if (!isUnits(Quantity.PER_VISIT, command.unitsPerVisit)) invalid("unitsPerVisit", unitsRule(Quantity.PER_VISIT));
    const firstDay = londonDate(command.startsAt);
    if (firstDay < request.startsOn || firstDay > request.endsOn)
      invalid("startsAt", `The first visit must fall within the requested period, ${request.startsOn} to ${request.endsOn}.`);
    if (command.validUntil <= this.clock.now()) invalid("validUntil", "The quote would already have expired.");
    const starts = visitStarts(command.startsAt, command.recurrence, request.endsOn);
    if (!starts.ok) errors.push(...starts.errors);
    return errors.length || !starts.ok ? failAll(errors) : starts;
  }

  /**
   * The quoted listing suits where the request's client lives (rule 11), and every quoted visit
   * falls in the time band of its rate type (rule 12): what acceptQuote's booking would refuse,
   * refused before the client sees the quote.
   */
  private async fitsClient(request: QuoteRequestEntity, listing: ListingTerms, command: SubmitQuoteCommand, starts: Date[]): Promise<Result<true>> {
    const client = await this.budgets.findClient(this.db.manager, request.clientId);
    const provider = await this.providers.byId(this.db.manager, listing.providerId);
    const fundingBody = await this.reference.findFundingBody(request.fundingBodyCode);
    if (!client || !provider || !fundingBody) throw new Error(`quote request ${request.id}: client, provider or funding body missing`);
    const setting = settingRefusal({ ...listing, providerKind: provider.kind }, client);
    if (setting) return fail(UserErrorCode.SETTING_MISMATCH, setting, ["listingId"]);
    const minutes = visitMinutes(listing.unit, listing.visitMinutes, command.unitsPerVisit);
    const visits = starts.map((startsAt) => ({ startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000) }));
    const outside = firstOutsideBand(visits, listing.rateType, fundingBody);
    if (outside) return fail(UserErrorCode.OUTSIDE_TIME_BAND, outsideBandMessage(listing.title, outside, listing.rateType, fundingBody), ["startsAt"]);
    return ok(true);
  }

  private async insertQuote(quote: QuoteEntity): Promise<Result<QuoteEntity>> {
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

  private async acceptWithin(tx: EntityManager, viewer: Viewer, command: AcceptQuoteCommand): Promise<Result<BookingView>> {
    const found = await this.quoteFor(tx, command.quoteId, (_quote, client) => canActFor(viewer, client));
    if (!found.ok) return found;
    const { quote, request } = found.value;
    const status = this.statusOf(quote);
    if (status === QuoteStatus.EXPIRED) return fail(UserErrorCode.QUOTE_EXPIRED, "This quote has expired: ask the provider for a new one.", ["quoteId"]);
    if (!(await this.close(tx, quote, request))) {
      return fail(UserErrorCode.INVALID_TRANSITION, `This quote is ${status} and its request ${request.status}: it cannot be accepted.`, ["quoteId"]);
    }
    return this.bookings.book(tx, viewer, {
      ...scheduleFields(quote),
      listingId: quote.listingId,
      budgetId: command.budgetId,
      unitPricePence: quote.unitPricePence,
      payeeRelationship: command.payeeRelationship,
      payeeDeclaredByProvider: quote.payeeDeclaredByProvider,
      quoteId: quote.id,
      lastDay: request.endsOn,
    });
  }

  /** Closes the request with `quote` ACCEPTED and its rivals DECLINED; false when either had already moved on. */
  private async close(tx: EntityManager, quote: QuoteEntity, request: QuoteRequestEntity): Promise<boolean> {
    // The request first, then its quotes: two rival acceptances queue on the request instead
    // of each holding its own quote while waiting for the other's (a deadlock).
    const closed = await tx.update(QuoteRequestEntity, { id: request.id, status: QuoteRequestStatus.OPEN }, { status: QuoteRequestStatus.CLOSED });
    if (closed.affected !== 1) return false;
    const accepted = await tx.update(QuoteEntity, { id: quote.id, status: QuoteStatus.SUBMITTED }, { status: QuoteStatus.ACCEPTED });
    if (accepted.affected !== 1) return false;
    await tx.update(QuoteEntity, { requestId: request.id, status: QuoteStatus.SUBMITTED }, { status: QuoteStatus.DECLINED });
    return true;
  }

  private decide(viewer: Viewer, command: QuoteDecisionCommand, to: QuoteStatus, allowed: Allowed): Promise<Result<QuoteEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.quoteFor(tx, command.quoteId, allowed);
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

  private async quoteFor(tx: EntityManager, id: string | null, allowed: Allowed): Promise<Result<{ quote: QuoteEntity; request: QuoteRequestEntity }>> {
    const quote = id ? await tx.findOneBy(QuoteEntity, { id }) : null;
    const request = quote ? await tx.findOneByOrFail(QuoteRequestEntity, { id: quote.requestId }) : null;
    const client = request ? await this.budgets.findClient(tx, request.clientId) : null;
    if (!quote || !request || !client || !allowed(quote, client)) return notFound("The quote", ["quoteId"]);
    return ok({ quote, request });
  }

  /** The requests the viewer may see: those of the clients they act for (the one policy), and a provider's (quote.rules). */
  private scoped(viewer: Viewer, tx: EntityManager): SelectQueryBuilder<QuoteRequestEntity> {
    return restrictToActFor(tx.getRepository(QuoteRequestEntity).createQueryBuilder("r"), viewer, REQUEST_CLIENT, providerSeesRequests(viewer));
  }
}
