import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId, uuidOf } from "../../shared/ids";
import { costPence, isHundredths } from "../../shared/money";
import { Connection, decodeCursor, encodeCursor, type PageArgs } from "../../shared/pagination";
import { londonDate, type Clock } from "../../shared/time";
import { canActFor, canManage, earmarksUnder, restrictToActFor, type BudgetService, type ClientView, type LockedBudget, type RowScope } from "../budgets";
import { ListingEntity } from "../listings";
import { snapshotOn, type ReferenceRateService, type VisitSnapshot } from "../pricing";
import { isSinglePerson, ProviderEntity } from "../providers";
import type { ReferenceService } from "../reference";
import { BookingEntity } from "./booking.entity";
import { ApprovalDecision, BookingStatus, VisitStatus, type ApprovalReason, type PayeeRelationship } from "./booking.enums";
import type { BookingDecisionInput, BookingFilter, CreateBookingInput } from "./booking.inputs";
import { assessBooking, initialStatus, invalidTransition, targetStatus, TRANSITIONS, type BookingAction } from "./booking.rules";
import { visitMinutes, visitStarts } from "./schedule.rules";
import { VisitEntity } from "./visit.entity";

/** What a booking is made from: createBooking's input, or an accepted quote. */
export interface BookingRequest {
  listingId: string | null;
  budgetId: string | null;
  startsAt: Date;
  recurrence: string | null;
  unitsPerVisit: number;
  payeeRelationship: PayeeRelationship;
  /** A quoted price instead of the listing's. */
  unitPricePence?: number;
  /** What each visit costs this budget, when it is not units × price (a share of a group session). */
  visitCostPence?: number;
  /** No visits after this London date (the quoted period); the budget period's end regardless. */
  lastDay?: string;
  quoteId?: string | null;
  /** One participant's share of a group session. */
  groupBookingId?: string | null;
  groupSharePence?: number | null;
  /** Another participant's booking already holds the provider's slot for these visits. */
  sharesTheSlot?: boolean;
}

/** A booking checked and costed, ready to write. */
export interface PreparedBooking {
  request: BookingRequest;
  /** Read once, under its lock, by prepare(); committed from by place(). */
  budget: LockedBudget;
  client: ClientView;
  listing: ListingEntity;
  provider: ProviderEntity;
  unitPricePence: number;
  visits: (PricedVisit & VisitSnapshot & { earmarkPence: number })[];
  approvalReasons: ApprovalReason[];
  totalCostPence: number;
}

interface PricedVisit {
  startsAt: Date;
  endsAt: Date;
  units: number;
  costPence: number;
}

export class BookingService {
  private readonly bookings: Repository<BookingEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly rates: ReferenceRateService,
    private readonly clock: Clock,
  ) {
    this.bookings = db.getRepository(BookingEntity);
  }

  /** The client (and those acting for them), the booked provider's members, admins. */
  isVisibleTo(viewer: Viewer | null, booking: BookingEntity, client: ClientView): boolean {
    return viewer !== null && (canActFor(viewer, client) || viewer.providerId === booking.providerId);
  }

  async findVisible(viewer: Viewer | null, id: string | null, tx: EntityManager = this.db.manager): Promise<{ booking: BookingEntity; client: ClientView } | null> {
    const booking = viewer && id ? await tx.findOneBy(BookingEntity, { id }) : null;
    const client = booking ? await this.budgets.findClient(tx, booking.clientId) : null;
    return booking && client && this.isVisibleTo(viewer, booking, client) ? { booking, client } : null;
  }

  async create(viewer: Viewer, input: CreateBookingInput): Promise<Result<BookingEntity>> {
    const request: BookingRequest = {
      listingId: uuidOf(input.listingId, "Listing"),
      budgetId: uuidOf(input.budgetId, "Budget"),
      startsAt: input.startsAt,
      recurrence: input.recurrence?.trim() || null,
      unitsPerVisit: input.unitsPerVisit,
      payeeRelationship: input.payeeRelationship,
    };
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: input.idempotencyKey, operation: "createBooking", input },
        () => this.book(tx, viewer, request),
        (booking) => booking.id,
        (id) => tx.findOneBy(BookingEntity, { id }),
      ),
    );
  }

  /**
   * Makes a booking and commits its whole cost, inside the caller's transaction: every visit is
   * costed and checked against the rules, the personal-assistant overlap constraint and the budget.
   * Any refusal leaves nothing behind (the caller's transaction rolls back).
   */
  async book(tx: EntityManager, viewer: Viewer, request: BookingRequest): Promise<Result<BookingEntity>> {
    const prepared = await this.prepare(tx, viewer, request);
    return prepared.ok ? this.place(tx, viewer, prepared.value) : prepared;
  }

  /**
   * Everything a booking would be, checked against every rule but the money and the diary, without
   * writing. The budget is locked first (its gain policy prices the earmarks; its period bounds
   * the visits), and stays locked to the end of the caller's transaction.
   */
  async prepare(tx: EntityManager, viewer: Viewer, request: BookingRequest): Promise<Result<PreparedBooking>> {
    const found = await this.budgets.lockVisible(tx, viewer, request.budgetId);
    if (!found) return notFound("The budget", ["input", "budgetId"]);
    const listing = request.listingId ? await tx.findOneBy(ListingEntity, { id: request.listingId }) : null;
    if (!listing?.active) return notFound("The listing", ["input", "listingId"]);
    const provider = await tx.findOneByOrFail(ProviderEntity, { id: listing.providerId });
    const category = await this.reference.findCategory(listing.categoryCode, tx);
    const fundingBody = await this.reference.findFundingBody(found.budget.fundingBodyCode, tx);
    if (!category || !fundingBody) throw new Error("reference data missing");

    if (!(request.unitsPerVisit > 0 && request.unitsPerVisit <= 10_000 && isHundredths(request.unitsPerVisit))) {
      return fail(UserErrorCode.INVALID_VALUE, "Units per visit is a positive number with at most two decimals (e.g. 1.5).", ["input", "unitsPerVisit"]);
    }
    if (request.startsAt.getTime() < this.clock.now().getTime()) {
      return fail(UserErrorCode.INVALID_VALUE, "The first visit is in the past: book from now on.", ["input", "startsAt"]);
    }
    const lastDay = request.lastDay && request.lastDay < found.budget.periodEnd ? request.lastDay : found.budget.periodEnd;
    const starts = visitStarts(request.startsAt, request.recurrence, lastDay);
    if (!starts.ok) return starts;
    if (starts.value.length === 0) {
      return fail(UserErrorCode.OUTSIDE_BUDGET_PERIOD, `No visit of this schedule falls within the budget's period ${found.budget.periodStart} to ${lastDay}.`, ["input", "startsAt"]);
    }
    const unitPricePence = request.unitPricePence ?? listing.pricePence;
    const minutes = visitMinutes(listing.unit, listing.visitMinutes, request.unitsPerVisit);
    const costPerVisit = request.visitCostPence ?? costPence(request.unitsPerVisit, unitPricePence);
    const times = starts.value.map((startsAt) => ({ startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000), units: request.unitsPerVisit, costPence: costPerVisit }));
    const totalCostPence = costPerVisit * times.length;

    const assessment = assessBooking({
      budget: found.budget,
      category,
      provider,
      listing,
      visits: times,
      payeeRelationship: request.payeeRelationship,
      totalCostPence,
      lifeImprovingThresholdPence: fundingBody.lifeImprovingApprovalThresholdPence,
    });
    if (assessment.refusals.length > 0) return failAll(assessment.refusals);
    const visits = await this.priceVisits(tx, found.budget, listing, times, unitPricePence);
    return ok({ request, budget: found.budget, client: found.client, listing, provider, unitPricePence, visits, approvalReasons: assessment.approvalReasons, totalCostPence });
  }

  /** Writes a prepared booking: the booking, its visits (the overlap constraint), and its commitment (the money). */
  async place(tx: EntityManager, viewer: Viewer, prepared: PreparedBooking): Promise<Result<BookingEntity>> {
    const { request, budget, client, listing, provider, visits } = prepared;
    const now = this.clock.now();
    const booking = tx.create(BookingEntity, {
      id: newId(),
      clientId: client.id,
      budgetId: budget.id,
      fundingBodyCode: budget.fundingBodyCode,
      listingId: listing.id,
      providerId: provider.id,
      quoteId: request.quoteId ?? null,
      groupBookingId: request.groupBookingId ?? null,
      groupSharePence: request.groupSharePence ?? null,
      status: initialStatus(prepared.approvalReasons, Boolean(request.quoteId)),
      startsAt: request.startsAt,
      recurrence: request.recurrence,
      unitsPerVisit: request.unitsPerVisit,
      unitPricePence: prepared.unitPricePence,
      payeeRelationship: request.payeeRelationship,
      approvalReasons: prepared.approvalReasons,
      approvalDecision: null,
      approvalDecidedBy: null,
      approvalDecidedAt: null,
      approvalNote: "",
      createdByUserId: viewer.userId,
      createdAt: now,
      updatedAt: now,
    });
    await insertRows(tx, BookingEntity, [booking]);
    const singlePerson = isSinglePerson(provider.kind) && !request.sharesTheSlot;
    const placed = await this.placeVisits(
      tx,
      visits.map((v) => ({ ...v, id: newId(), bookingId: booking.id, providerId: provider.id, singlePerson, status: VisitStatus.SCHEDULED, recordedAt: null, recordedByUserId: null })),
    );
    if (!placed.ok) return placed;
    const earmarkPence = visits.reduce((sum, v) => sum + v.earmarkPence, 0);
    const committed = await this.budgets.commit(tx, budget, { bookingId: booking.id, costPence: prepared.totalCostPence, earmarkPence, visits: visits.length }, viewer.userId);
    return committed.ok ? ok(booking) : committed;
  }

  /**
   * Freezes each visit's comparison with the funding body's rate in force on its own day (a
   * booking across 1 April straddles two versions), and earmarks the share of the saving the
   * budget's gain policy returns.
   */
  private async priceVisits<V extends PricedVisit>(
    tx: EntityManager,
    budget: LockedBudget,
    listing: ListingEntity,
    visits: V[],
    unitPricePence: number,
  ): Promise<(V & VisitSnapshot & { earmarkPence: number })[]> {
    const days = visits.map((v) => londonDate(v.startsAt));
    const versions = await this.rates.versionsFor(tx, budget.fundingBodyCode, listing.categoryCode, days[0], days[days.length - 1]);
    const snapshots = visits.map((v, i) => snapshotOn(versions, listing, days[i], v.units, unitPricePence));
    const marks = earmarksUnder(
      budget,
      snapshots.map((s, i) => (s.referenceCostPence === null ? null : s.referenceCostPence - visits[i].costPence)),
    );
    return visits.map((v, i) => ({ ...v, ...snapshots[i], earmarkPence: marks[i] }));
  }

  /** Inserts visits; an overlap with another active visit of the same personal assistant is SLOT_TAKEN. */
  private async placeVisits(tx: EntityManager, visits: Partial<VisitEntity>[]): Promise<Result<true>> {
    try {
      for (let i = 0; i < visits.length; i += 500) await insertRows(tx, VisitEntity, visits.slice(i, i + 500));
      return ok(true);
    } catch (error) {
      // A deadlock here is two bookings each waiting on the other's overlapping visit: one of them loses.
      if (isViolation(error, PgCode.EXCLUSION_VIOLATION, "excl_visits_single_person_overlap") || isViolation(error, PgCode.DEADLOCK_DETECTED)) {
        return fail(UserErrorCode.SLOT_TAKEN, "The personal assistant already has a visit at that time. Choose another time or another provider.", ["input", "startsAt"]);
      }
      throw error;
    }
  }

  confirm(viewer: Viewer, input: BookingDecisionInput): Promise<Result<BookingEntity>> {
    return this.transition(viewer, input, "confirm", (b) => viewer.providerId === b.providerId);
  }

  decline(viewer: Viewer, input: BookingDecisionInput): Promise<Result<BookingEntity>> {
    return this.transition(viewer, input, "decline", (b) => viewer.providerId === b.providerId);
  }

  cancel(viewer: Viewer, input: BookingDecisionInput): Promise<Result<BookingEntity>> {
    return this.transition(viewer, input, "cancel", (b, c) => this.isVisibleTo(viewer, b, c));
  }

  approve(viewer: Viewer, input: BookingDecisionInput): Promise<Result<BookingEntity>> {
    return this.transition(viewer, input, "approve", (_b, c) => canManage(viewer, c));
  }

  reject(viewer: Viewer, input: BookingDecisionInput): Promise<Result<BookingEntity>> {
    return this.transition(viewer, input, "reject", (_b, c) => canManage(viewer, c));
  }

  /**
   * Moves a booking by compare-and-swap on its status (a booking changed meanwhile is an
   * INVALID_TRANSITION, never overwritten). Ending a booking releases what its scheduled visits hold.
   */
  private transition(
    viewer: Viewer,
    input: BookingDecisionInput,
    action: BookingAction,
    allowed: (booking: BookingEntity, client: ClientView) => boolean,
  ): Promise<Result<BookingEntity>> {
    return transactionResult(this.db, (tx) => this.transitionIn(tx, viewer, uuidOf(input.bookingId, "Booking"), action, allowed, input.note));
  }

  /** `transition` inside the caller's transaction (a package cancels its bookings with its own). */
  async transitionIn(
    tx: EntityManager,
    viewer: Viewer,
    bookingId: string | null,
    action: BookingAction,
    allowed: (booking: BookingEntity, client: ClientView) => boolean,
    note = "",
  ): Promise<Result<BookingEntity>> {
    const found = await this.findVisible(viewer, bookingId, tx);
    if (!found || !allowed(found.booking, found.client)) return notFound("The booking", ["input", "bookingId"]);
    const { booking } = found;
    const to = targetStatus(action, booking.quoteId !== null);
    const decision = action === "approve" ? ApprovalDecision.APPROVED : action === "reject" ? ApprovalDecision.REJECTED : null;
    const now = this.clock.now();
    const releases = to === BookingStatus.DECLINED || to === BookingStatus.CANCELLED;
    // The budget before the booking (BudgetService.lock's lock order), when money moves.
    const budget = releases ? await this.budgets.lock(tx, booking.budgetId) : null;
    const changed = await tx
      .createQueryBuilder()
      .update(BookingEntity)
      .set({
        status: to,
        updatedAt: now,
        ...(decision ? { approvalDecision: decision, approvalDecidedBy: viewer.userId, approvalDecidedAt: now, approvalNote: note } : {}),
      })
      .where("id = :id AND status IN (:...from)", { id: booking.id, from: TRANSITIONS[action].from })
      .execute();
    if (changed.affected !== 1) {
      const current = await tx.findOneByOrFail(BookingEntity, { id: booking.id });
      return failAll([invalidTransition(action, current.status)]);
    }
    if (budget) {
      const released = await this.releaseScheduled(tx, budget, booking, viewer.userId, `${action}: ${note}`.trim());
      if (!released.ok) return released;
    }
    return ok(await tx.findOneByOrFail(BookingEntity, { id: booking.id }));
  }

  /** Cancels the booking's scheduled visits and releases what they hold. */
  private async releaseScheduled(tx: EntityManager, budget: LockedBudget, booking: BookingEntity, actorUserId: string, memo: string): Promise<Result<unknown>> {
    // TypeORM answers an UPDATE with [rows, affected]. A visit holds its cost and its earmark.
    const [rows]: [{ held: number }[], number] = await tx.query(
      "UPDATE visits SET status = 'CANCELLED' WHERE booking_id = $1 AND status = 'SCHEDULED' RETURNING cost_pence + earmark_pence AS held",
      [booking.id],
    );
    const amountPence = rows.reduce((sum, r) => sum + r.held, 0);
    return this.budgets.release(tx, budget, { bookingId: booking.id, amountPence, memo }, actorUserId);
  }

  /** Bookings the viewer may see, newest first. */
  async list(viewer: Viewer, filter: BookingFilter | null | undefined, { first, after }: PageArgs): Promise<Connection<BookingEntity>> {
    const query = this.scoped(viewer);
    if (filter?.statuses?.length) query.andWhere("b.status IN (:...statuses)", { statuses: filter.statuses });
    if (filter?.clientId) query.andWhere("b.client_id = :clientId", { clientId: uuidOf(filter.clientId, "Client") ?? "00000000-0000-0000-0000-000000000000" });
    if (filter?.budgetId) query.andWhere("b.budget_id = :budgetId", { budgetId: uuidOf(filter.budgetId, "Budget") ?? "00000000-0000-0000-0000-000000000000" });
    const page = query.clone().orderBy("b.id", "DESC").limit(first + 1);
    if (after) page.andWhere("b.id < :after::uuid", { after: decodeCursor(after, "BOOKINGS", 1)[0] });
    return new Connection(await page.getMany(), first, (b) => encodeCursor("BOOKINGS", [b.id]), () => query.getCount());
  }

  /** The viewer's bookings: those of the clients they act for (the one policy), and a provider's own. */
  private scoped(viewer: Viewer): SelectQueryBuilder<BookingEntity> {
    const providers: RowScope =
      viewer.roles.has(Role.PROVIDER) && viewer.providerId
        ? { all: false, conditions: ["b.provider_id = :providerId"], params: { providerId: viewer.providerId } }
        : { all: false, conditions: [], params: {} };
    return restrictToActFor(this.bookings.createQueryBuilder("b"), viewer, { clientId: "b.client_id", fundingBodyCode: "b.funding_body_code" }, providers);
  }
}
