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
import { costPence, formatPounds, MAX_PENCE } from "../../shared/money";
import { addDays, londonDate, type Clock } from "../../shared/time";
import { isUnits, Quantity, unitsRule } from "../../shared/units";
import { BudgetManagement, earmarksUnder, type BudgetService, type ClientView, type LockedBudget } from "../budgets";
import { settingRefusal, type ListingService, type ListingTerms } from "../listings";
import { savingPence, snapshotOn, type ReferenceRateService, type VisitSnapshot } from "../pricing";
import { isSinglePerson, type ProviderRecord, type ProviderService } from "../providers";
import { firstOutsideBand, outsideBandMessage, type FundingBodyRecord, type ReferenceService, type ServiceCategoryRecord } from "../reference";
import type { BookingRequest, CreateBookingCommand } from "./booking.commands";
import { BookingEntity } from "./booking.entity";
import { PayeeRelationship, VisitStatus, type ApprovalReason } from "./booking.enums";
import { BOOKED_UNITS_BY_WEEK, lockedCareHomeStays } from "./booking.queries";
import { assessBooking, closerRelationship, initialStatus } from "./booking.rules";
import { isCareHomePlace, type Stay } from "./care-home.rules";
import { firstWeekOver, noCapacityMessage, unitsByWeek } from "./capacity.rules";
import { scheduleFields, visitMinutes, visitStarts } from "./schedule.rules";
import { VisitEntity } from "./visit.entity";

/** A booking checked and costed, ready to write. */
export interface PreparedBooking {
  request: BookingRequest;
  /** Read once, under its lock, by prepare(); committed from by place(). */
  budget: LockedBudget;
  client: ClientView;
  listing: ListingTerms;
  provider: ProviderRecord;
  unitPricePence: number;
  visits: (PricedVisit & VisitSnapshot & { earmarkPence: number })[];
  approvalReasons: ApprovalReason[];
  totalCostPence: number;
}

/** What a booking's rules read of the listing booked (BookingPlacement.termsOf). */
interface BookingTerms {
  listing: ListingTerms;
  provider: ProviderRecord;
  category: ServiceCategoryRecord;
  fundingBody: FundingBodyRecord;
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
    private readonly listings: ListingService,
    private readonly providers: ProviderService,
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
   * writing: the setting where the client lives (rule 11) and each visit's time band (rule 12) among them. The budget is locked first (its gain policy prices the earmarks; its period bounds
   * the visits), and stays locked to the end of the caller's transaction.
   */
  async prepare(tx: EntityManager, viewer: Viewer, request: BookingRequest): Promise<Result<PreparedBooking>> {
    // The listing before the budget (the lock order above BudgetService.lock): its capacity is read under the lock.
    if (request.listingId) await this.listings.lockForBooking(tx, [request.listingId]);
    const found = await this.budgets.lockVisible(tx, viewer, request.budgetId);
    if (!found) return notFound("The budget", ["budgetId"]);
    const { budget, client } = found;
    const terms = request.listingId ? await this.termsOf(tx, request.listingId, budget.fundingBodyCode) : null;
    if (!terms) return notFound("The listing", ["listingId"]);
    const { listing, provider, category, fundingBody } = terms;
    const setting = settingRefusal({ ...listing, providerKind: provider.kind }, client);
    if (setting) return fail(UserErrorCode.SETTING_MISMATCH, setting, ["listingId"]);
    const unitPricePence = request.unitPricePence ?? listing.pricePence;
    const times = this.visitsOf(request, budget, listing, unitPricePence);
    if (!times.ok) return times;
    const outside = firstOutsideBand(times.value, listing.rateType, fundingBody);
    if (outside) return fail(UserErrorCode.OUTSIDE_TIME_BAND, outsideBandMessage(listing.title, outside, listing.rateType, fundingBody), ["startsAt"]);
    const capacity = await this.withinCapacity(tx, listing, times.value);
    if (!capacity.ok) return capacity;
    const totalCostPence = times.value.reduce((sum, v) => sum + v.costPence, 0);
    const assessment = assessBooking({
      budget,
      category,
      provider,
      listing,
      visits: times.value,
      otherCareHomeStays: await this.otherCareHomeStays(tx, budget, client, listing, times.value),
      // The closer of the booker's and (with its quote) the provider's declarations.
      payeeRelationship: closerRelationship(request.payeeRelationship, request.payeeDeclaredByProvider ?? PayeeRelationship.NONE),
      totalCostPence,
      lifeImprovingThresholdPence: fundingBody.lifeImprovingApprovalThresholdPence,
    });
    if (assessment.refusals.length > 0) return failAll(assessment.refusals);
    const visits = await this.priceVisits(tx, budget, listing, fundingBody.referenceFallback, times.value, unitPricePence);
    return ok({ request, budget, client, listing, provider, unitPricePence, visits, approvalReasons: assessment.approvalReasons, totalCostPence });
  }

  /**
   * A direct-payment booking of a care-home place: the client's other such stays within twelve
   * months either side (all reg. 8 can weigh with these), under the client's care-home lock.
   */
  private async otherCareHomeStays(tx: EntityManager, budget: LockedBudget, client: ClientView, listing: ListingTerms, visits: Stay[]): Promise<Stay[]> {
    if (budget.management !== BudgetManagement.DIRECT_PAYMENT || !isCareHomePlace(listing.categoryCode, listing.setting)) return [];
    const year = 366 * 86_400_000;
    const from = new Date(visits[0].startsAt.getTime() - year);
    const to = new Date(visits[visits.length - 1].endsAt.getTime() + year);
    return lockedCareHomeStays(tx, client.id, from, to);
  }

  /** The active listing booked, through the listings and providers modules, and the reference data its rules need. */
  private async termsOf(tx: EntityManager, listingId: string, fundingBodyCode: string): Promise<BookingTerms | null> {
    const listing = await this.listings.forBooking(tx, listingId);
    if (!listing?.active) return null;
    const provider = await this.providers.byId(tx, listing.providerId);
    const category = await this.reference.findCategory(listing.categoryCode, tx);
    const fundingBody = await this.reference.findFundingBody(fundingBodyCode, tx);
    if (!provider || !category || !fundingBody) throw new Error(`listing ${listing.id}: provider or reference data missing`);
    return { listing, provider, category, fundingBody };
  }

  /**
   * The visits fit the listing's weekly capacity on top of what is booked already (active visits of
   * its bookings; a group session's participants share one session, counted once). Sound under
   * concurrency because the caller holds the listing's lock (lockForBooking) until it commits.
   */
  private async withinCapacity(tx: EntityManager, listing: ListingTerms, visits: PricedVisit[]): Promise<Result<true>> {
    if (listing.weeklyCapacityUnits === null) return ok(true);
    const asked = unitsByWeek(visits);
    const weeks = [...asked.keys()].sort();
    const rows: { week: string; units: string }[] = await tx.query(BOOKED_UNITS_BY_WEEK, [listing.id, weeks[0], addDays(weeks[weeks.length - 1], 7)]);
    const booked = new Map(rows.map((r) => [r.week, Number(r.units)]));
    const shortfall = firstWeekOver(listing.weeklyCapacityUnits, booked, asked);
    if (!shortfall) return ok(true);
    return fail(UserErrorCode.NO_CAPACITY, noCapacityMessage(listing.title, listing.unit, shortfall), ["startsAt"]);
  }

  /** The schedule's visits within the budget's period (and the request's last day), each timed and costed. */
  private visitsOf(request: BookingRequest, budget: LockedBudget, listing: ListingTerms, unitPricePence: number): Result<PricedVisit[]> {
    const starts = this.startsWithin(request, budget);
    if (!starts.ok) return starts;
    const { unitsPerVisit } = request;
    const minutes = visitMinutes(listing.unit, listing.visitMinutes, unitsPerVisit);
    const costPerVisit = request.visitCostPence ?? costPence(unitsPerVisit, unitPricePence);
    if (costPerVisit > MAX_PENCE) {
      return fail(
        UserErrorCode.INVALID_VALUE,
        `One visit would cost ${formatPounds(costPerVisit)}, more than any visit may (${formatPounds(MAX_PENCE)}). Book fewer units per visit.`,
        ["unitsPerVisit"],
      );
    }
    const endOf = (startsAt: Date) => new Date(startsAt.getTime() + minutes * 60_000);
    return ok(starts.value.map((startsAt) => ({ startsAt, endsAt: endOf(startsAt), units: unitsPerVisit, costPence: costPerVisit })));
  }

  /** When the schedule's visits start: from now on, within the budget's period and the request's last day, at least one. */
  private startsWithin(request: BookingRequest, budget: LockedBudget): Result<Date[]> {
    const { startsAt, recurrence, unitsPerVisit } = scheduleFields(request);
    if (!isUnits(Quantity.PER_VISIT, unitsPerVisit)) return fail(UserErrorCode.INVALID_VALUE, unitsRule(Quantity.PER_VISIT), ["unitsPerVisit"]);
    if (startsAt.getTime() < this.clock.now().getTime()) {
      return fail(UserErrorCode.INVALID_VALUE, "The first visit is in the past: book from now on.", ["startsAt"]);
    }
    const lastDay = request.lastDay && request.lastDay < budget.periodEnd ? request.lastDay : budget.periodEnd;
    const starts = visitStarts(startsAt, recurrence, lastDay);
    if (starts.ok && starts.value.length === 0) {
      const message = `No visit of this schedule falls within the budget's period ${budget.periodStart} to ${lastDay}.`;
      return fail(UserErrorCode.OUTSIDE_BUDGET_PERIOD, message, ["startsAt"]);
    }
    return starts;
  }

  /** Writes a prepared booking: the booking, its visits (the overlap constraint), and its commitment (the money). */
  async place(tx: EntityManager, viewer: Viewer, prepared: PreparedBooking): Promise<Result<BookingEntity>> {
    const booking = tx.create(BookingEntity, bookingRow(prepared, viewer.userId, this.clock.now()));
    await insertRows(tx, BookingEntity, [booking]);
    const placed = await this.placeVisits(tx, visitRows(prepared, booking.id));
    if (!placed.ok) return placed;
    const { budget, visits, totalCostPence } = prepared;
    const earmarkPence = visits.reduce((sum, v) => sum + v.earmarkPence, 0);
    const commitment = { bookingId: booking.id, costPence: totalCostPence, earmarkPence, visits: visits.length };
    const committed = await this.budgets.commit(tx, budget, commitment, viewer.userId);
    return committed.ok ? ok(booking) : committed;
  }

  /**
   * Freezes each visit's comparison with the funding body's rate in force on its own day (a
   * booking across 1 April straddles two versions; its STANDARD rate where it publishes none for the
   * listing's rate type and allows the fallback), and earmarks the share of the saving the budget's
   * gain policy returns.
   */
  private async priceVisits<V extends PricedVisit>(
    tx: EntityManager,
    budget: LockedBudget,
    listing: ListingTerms,
    fallback: boolean,
    visits: V[],
    unitPricePence: number,
  ): Promise<(V & VisitSnapshot & { earmarkPence: number })[]> {
    const days = visits.map((v) => londonDate(v.startsAt));
    const versions = await this.rates.versionsFor(tx, budget.fundingBodyCode, listing.categoryCode, days[0], days[days.length - 1]);
    const snapshots = visits.map((v, i) => snapshotOn(versions, listing, days[i], v.units, unitPricePence, fallback));
    const marks = earmarksUnder(
      budget,
      snapshots.map((s, i) => savingPence(s.referenceCostPence, visits[i].costPence)),
    );
    return visits.map((v, i) => ({ ...v, ...snapshots[i], earmarkPence: marks[i] }));
  }

  /** Inserts visits; an overlap with another active visit of the same personal assistant is SLOT_TAKEN. */
  private async placeVisits(tx: EntityManager, visits: VisitEntity[]): Promise<Result<true>> {
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

/** The booking row of a prepared booking: its status from the approval reasons, its price and schedule fixed. */
function bookingRow(prepared: PreparedBooking, createdByUserId: string, now: Date): BookingEntity {
  const { request, budget, client, listing, provider } = prepared;
  return {
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
    payeeRelationship: closerRelationship(request.payeeRelationship, request.payeeDeclaredByProvider ?? PayeeRelationship.NONE),
    payeeDeclaredByProvider: request.payeeDeclaredByProvider ?? null,
    approvalReasons: prepared.approvalReasons,
    approvalDecision: null,
    approvalDecidedBy: null,
    approvalDecidedAt: null,
    approvalNote: "",
    createdByUserId,
    createdAt: now,
    updatedAt: now,
  };
}

/** The visit rows of a prepared booking; a personal assistant's first booking of a slot holds their diary (the overlap constraint). */
function visitRows(prepared: PreparedBooking, bookingId: string): VisitEntity[] {
  const { request, provider, visits } = prepared;
  const singlePerson = isSinglePerson(provider.kind) && !request.sharesTheSlot;
  return visits.map((v) => ({
    ...v,
    id: newId(),
    bookingId,
    providerId: provider.id,
    singlePerson,
    status: VisitStatus.SCHEDULED,
    recordedAt: null,
    recordedByUserId: null,
  }));
}
