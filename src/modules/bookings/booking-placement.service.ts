/**
 * Placing a booking: costing and checking every visit (prepare), then writing the booking, its
 * visits and its commitment (place). The money path: create → book → prepare (budgets.lockVisible:
 * the budget read once, under its lock) → place → budgets.commit (the ledger rows).
 */
import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { costPence, formatPounds, isHundredths, MAX_PENCE } from "../../shared/money";
import { londonDate, type Clock } from "../../shared/time";
import { earmarksUnder, type BudgetService, type ClientView, type LockedBudget } from "../budgets";
import { ListingEntity } from "../listings";
import { snapshotOn, type ReferenceRateService, type VisitSnapshot } from "../pricing";
import { isSinglePerson, ProviderEntity } from "../providers";
import type { ReferenceService } from "../reference";
import type { BookingRequest, CreateBookingCommand } from "./booking.commands";
import { BookingEntity } from "./booking.entity";
import { VisitStatus, type ApprovalReason } from "./booking.enums";
import { assessBooking, initialStatus } from "./booking.rules";
import { scheduleFields, visitMinutes, visitStarts } from "./schedule.rules";
import { VisitEntity } from "./visit.entity";

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

export class BookingPlacement {
  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly rates: ReferenceRateService,
    private readonly clock: Clock,
  ) {}

  /** createBooking: one booking, its visits and its commitment, or nothing. Idempotent. */
  async create(viewer: Viewer, command: CreateBookingCommand): Promise<Result<BookingEntity>> {
    const { idempotencyKey, ...request } = command;
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: idempotencyKey, operation: "createBooking", input: command },
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
    if (!found) return notFound("The budget", ["budgetId"]);
    const listing = request.listingId ? await tx.findOneBy(ListingEntity, { id: request.listingId }) : null;
    if (!listing?.active) return notFound("The listing", ["listingId"]);
    const provider = await tx.findOneByOrFail(ProviderEntity, { id: listing.providerId });
    const category = await this.reference.findCategory(listing.categoryCode, tx);
    const fundingBody = await this.reference.findFundingBody(found.budget.fundingBodyCode, tx);
    if (!category || !fundingBody) throw new Error("reference data missing");

    const schedule = scheduleFields(request);
    if (!(schedule.unitsPerVisit > 0 && schedule.unitsPerVisit <= 10_000 && isHundredths(schedule.unitsPerVisit))) {
      return fail(UserErrorCode.INVALID_VALUE, "Units per visit is a positive number with at most two decimals (e.g. 1.5).", ["unitsPerVisit"]);
    }
    if (schedule.startsAt.getTime() < this.clock.now().getTime()) {
      return fail(UserErrorCode.INVALID_VALUE, "The first visit is in the past: book from now on.", ["startsAt"]);
    }
    const lastDay = request.lastDay && request.lastDay < found.budget.periodEnd ? request.lastDay : found.budget.periodEnd;
    const starts = visitStarts(schedule.startsAt, schedule.recurrence, lastDay);
    if (!starts.ok) return starts;
    if (starts.value.length === 0) {
      return fail(
        UserErrorCode.OUTSIDE_BUDGET_PERIOD,
        `No visit of this schedule falls within the budget's period ${found.budget.periodStart} to ${lastDay}.`,
        ["startsAt"],
      );
    }
    const unitPricePence = request.unitPricePence ?? listing.pricePence;
    const minutes = visitMinutes(listing.unit, listing.visitMinutes, schedule.unitsPerVisit);
    const costPerVisit = request.visitCostPence ?? costPence(schedule.unitsPerVisit, unitPricePence);
    if (costPerVisit > MAX_PENCE) {
      return fail(
        UserErrorCode.INVALID_VALUE,
        `One visit would cost ${formatPounds(costPerVisit)}, more than any visit may (${formatPounds(MAX_PENCE)}). Book fewer units per visit.`,
        ["unitsPerVisit"],
      );
    }
    const times = starts.value.map((startsAt) => ({
      startsAt,
      endsAt: new Date(startsAt.getTime() + minutes * 60_000),
      units: schedule.unitsPerVisit,
      costPence: costPerVisit,
    }));
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
    return ok({
      request,
      budget: found.budget,
      client: found.client,
      listing,
      provider,
      unitPricePence,
      visits,
      approvalReasons: assessment.approvalReasons,
      totalCostPence,
    });
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
      ...scheduleFields(request),
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
      visits.map((v) => ({
        ...v,
        id: newId(),
        bookingId: booking.id,
        providerId: provider.id,
        singlePerson,
        status: VisitStatus.SCHEDULED,
        recordedAt: null,
        recordedByUserId: null,
      })),
    );
    if (!placed.ok) return placed;
    const earmarkPence = visits.reduce((sum, v) => sum + v.earmarkPence, 0);
    const committed = await this.budgets.commit(
      tx,
      budget,
      { bookingId: booking.id, costPence: prepared.totalCostPence, earmarkPence, visits: visits.length },
      viewer.userId,
    );
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
        return fail(UserErrorCode.SLOT_TAKEN, "The personal assistant already has a visit at that time. Choose another time or another provider.", [
          "startsAt",
        ]);
      }
      throw error;
    }
  }
}
