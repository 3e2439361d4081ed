/**
 * Bookings: who may see one, the lists, and the module's verbs for the rest of the app. Placing a
 * booking is BookingPlacement's (booking-placement.service.ts), its lifecycle BookingLifecycle's
 * (booking-lifecycle.service.ts); BookingService hands each verb to the one that does it.
 */
import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import type { Result } from "../../shared/errors";
import { keysetPage, whereIdIs, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import { addDays, type Clock } from "../../shared/time";
import { canActFor, restrictToActFor, type BudgetService, type ClientView, type RowScope } from "../budgets";
import type { EventService } from "../events";
import type { ListingService } from "../listings";
import type { ReferenceRateService } from "../pricing";
import type { ProviderService } from "../providers";
import type { ReferenceService } from "../reference";
import { BookingLifecycle, type ApprovalFollowUp } from "./booking-lifecycle.service";
import { BookingPlacement, type PreparedBooking } from "./booking-placement.service";
import type { BookingDecisionCommand, BookingRequest, BookingSearch, CreateBookingCommand } from "./booking.commands";
import { BookingEntity } from "./booking.entity";
import type { BookingView } from "./booking.models";
import { PEAK_BOOKED_UNITS } from "./capacity.queries";

/** The bookings list's order: newest first (ids are time-ordered UUIDv7). */
const NEWEST_FIRST: Keyset<BookingEntity> = {
  name: "BOOKINGS",
  keys: [{ sql: "b.id", cast: "uuid", of: (b) => b.id }],
  direction: "DESC",
};

export class BookingService {
  private readonly bookings: Repository<BookingEntity>;
  private readonly placement: BookingPlacement;
  private readonly lifecycle: BookingLifecycle;

  constructor(
    private readonly db: DataSource,
    reference: ReferenceService,
    private readonly budgets: BudgetService,
    rates: ReferenceRateService,
    listings: ListingService,
    providers: ProviderService,
    events: EventService,
    clock: Clock,
    /** A package waiting on this booking's approval moves on (brokers, late-bound in src/app.ts). */
    afterApproval?: ApprovalFollowUp,
  ) {
    this.bookings = db.getRepository(BookingEntity);
    this.placement = new BookingPlacement(db, reference, budgets, rates, listings, providers, events, clock);
    this.lifecycle = new BookingLifecycle(db, budgets, this, events, clock, afterApproval);
  }

  /** The client (and those acting for them), the booked provider's members, admins. */
  isVisibleTo(viewer: Viewer | null, booking: BookingEntity, client: ClientView): boolean {
    return viewer !== null && (canActFor(viewer, client) || viewer.providerId === booking.providerId);
  }

  async findVisible(
    viewer: Viewer | null,
    id: string | null,
    tx: EntityManager = this.db.manager,
  ): Promise<{ booking: BookingEntity; client: ClientView } | null> {
    const booking = viewer && id ? await tx.findOneBy(BookingEntity, { id }) : null;
    const client = booking ? await this.budgets.findClient(tx, booking.clientId) : null;
    return booking && client && this.isVisibleTo(viewer, booking, client) ? { booking, client } : null;
  }

  // Placing (BookingPlacement).

  create(viewer: Viewer, command: CreateBookingCommand): Promise<Result<BookingEntity>> {
    return this.placement.create(viewer, command);
  }

  /** Makes a booking and commits its whole cost inside the caller's transaction (an accepted quote, an agreed package). */
  book(tx: EntityManager, viewer: Viewer, request: BookingRequest): Promise<Result<BookingEntity>> {
    return this.placement.book(tx, viewer, request);
  }

  /** Everything a booking would be, without writing; its budget locked (a package item's estimate, a group share). */
  prepare(tx: EntityManager, viewer: Viewer, request: BookingRequest): Promise<Result<PreparedBooking>> {
    return this.placement.prepare(tx, viewer, request);
  }

  place(tx: EntityManager, viewer: Viewer, prepared: PreparedBooking): Promise<Result<BookingEntity>> {
    return this.placement.place(tx, viewer, prepared);
  }

  // The lifecycle (BookingLifecycle).

  confirm(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.lifecycle.confirm(viewer, command);
  }

  decline(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.lifecycle.decline(viewer, command);
  }

  cancel(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.lifecycle.cancel(viewer, command);
  }

  approve(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.lifecycle.approve(viewer, command);
  }

  reject(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.lifecycle.reject(viewer, command);
  }

  /** Cancels a booking inside the caller's transaction (a package cancels its bookings with its own). */
  cancelWithin(tx: EntityManager, viewer: Viewer, bookingId: string, note: string): Promise<Result<BookingEntity>> {
    return this.lifecycle.cancelWithin(tx, viewer, bookingId, note);
  }

  /** A booking by id, read through `tx`, whoever may see it: for another module that holds its id (a replayed acceptQuote, a package item). */
  byId(tx: EntityManager, id: string): Promise<BookingView | null> {
    return tx.findOneBy(BookingEntity, { id });
  }

  /**
   * Each listing's most units booked in one London week from `fromDay` to `toDay` (inclusive):
   * what its weekly capacity already carries at its busiest (0 when nothing is booked).
   */
  async peakBookedUnits(listingIds: string[], fromDay: string, toDay: string, tx: EntityManager = this.db.manager): Promise<Map<string, number>> {
    const peaks = new Map(listingIds.map((id) => [id, 0]));
    if (listingIds.length === 0) return peaks;
    const rows: { listing_id: string; units: string }[] = await tx.query(PEAK_BOOKED_UNITS, [listingIds, fromDay, addDays(toDay, 1)]);
    for (const row of rows) peaks.set(row.listing_id, Number(row.units));
    return peaks;
  }

  // Lists.

  /** Bookings the viewer may see, newest first. */
  list(viewer: Viewer, search: BookingSearch, page: PageRequest): Promise<Connection<BookingEntity>> {
    const query = this.scoped(viewer);
    if (search.statuses?.length) query.andWhere("b.status IN (:...statuses)", { statuses: search.statuses });
    whereIdIs(query, "b.client_id", search.clientId);
    whereIdIs(query, "b.budget_id", search.budgetId);
    return keysetPage(query, NEWEST_FIRST, page);
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
