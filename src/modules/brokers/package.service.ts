import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from "typeorm";
import { IsNull } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { insertRows, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { keysetPage, whereIdIs, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import type { Clock } from "../../shared/time";
import { ApprovalDecision, BookingStatus, isFinalBookingStatus, scheduleFields, type BookingService, type BookingView } from "../bookings";
import { canActFor, restrictToActFor, type BudgetService, type ClientView } from "../budgets";
import type { ListingService } from "../listings";
import { BrokerageChargedTo, type ReferenceService } from "../reference";
import { PackageEntity, PackageItemEntity } from "./package.entity";
import { PackageStatus } from "./package.enums";
import type {
  AddPackageItemCommand,
  AgreePackageCommand,
  CancelPackageCommand,
  CreatePackageCommand,
  LogBrokerageTimeCommand,
  PackageItemRef,
  PackageRef,
  PackageSearch,
} from "./package.commands";
import { bookingRequestOf, brokerageFee, canArrange, fewerVisits, itemLabel } from "./package.rules";

interface Found {
  pkg: PackageEntity;
  client: ClientView;
}

/** Newest first (ids are UUIDv7). */
const NEWEST: Keyset<PackageEntity> = { name: "PACKAGES", keys: [{ sql: "k.id", cast: "uuid", of: (p) => p.id }], direction: "DESC" };

export class PackageService {
  private readonly packages: Repository<PackageEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly bookings: BookingService,
    private readonly listings: ListingService,
    private readonly clock: Clock,
  ) {
    this.packages = db.getRepository(PackageEntity);
  }

  async findVisible(viewer: Viewer | null, id: string | null, tx: EntityManager = this.db.manager): Promise<Found | null> {
    if (!viewer || !id) return null;
    const pkg = await tx.findOneBy(PackageEntity, { id });
    const client = pkg ? await this.budgets.findClient(tx, pkg.clientId) : null;
    return pkg && client && canActFor(viewer, client) ? { pkg, client } : null;
  }

  async create(viewer: Viewer, input: CreatePackageCommand): Promise<Result<PackageEntity>> {
    const visible = await this.budgets.findVisibleOf(viewer, input.clientId, input.budgetId);
    if (!visible.ok) return visible;
    const found = visible.value;
    if (!canArrange(viewer, found.client)) return notFound("The budget", ["budgetId"]);
    const pkg = Object.assign(new PackageEntity(), {
      id: newId(),
      clientId: found.client.id,
      budgetId: found.budget.id,
      fundingBodyCode: found.budget.fundingBodyCode,
      brokerUserId: found.client.brokerUserId ?? viewer.userId,
      status: PackageStatus.DRAFT,
      brokerageMinutes: 0,
      brokerageFeePence: 0,
      brokerageChargedTo: null,
      agreedAt: null,
      agreedByUserId: null,
      createdAt: this.clock.now(),
    });
    await insertRows(this.db.manager, PackageEntity, [pkg]);
    return ok(pkg);
  }

  /** Adds a service to a draft, with its cost estimated the way the booking will be made (every rule checked now). */
  async addItem(viewer: Viewer, input: AddPackageItemCommand): Promise<Result<PackageEntity>> {
    return this.changeDraft(viewer, input.packageId, async (tx, { pkg }) => {
      const prepared = await this.bookings.prepare(tx, viewer, bookingRequestOf(input, pkg.budgetId));
      if (!prepared.ok) return prepared;
      const { visits } = prepared.value;
      const referenced = visits.filter((v) => v.referenceCostPence !== null);
      const position = (await tx.countBy(PackageItemEntity, { packageId: pkg.id })) + 1;
      await insertRows(tx, PackageItemEntity, [
        {
          id: newId(),
          packageId: pkg.id,
          position,
          listingId: input.listingId!,
          ...scheduleFields(input),
          endsOn: input.endsOn ?? null,
          payeeRelationship: input.payeeRelationship,
          visitCount: visits.length,
          costPence: prepared.value.totalCostPence,
          referenceCostPence: referenced.length ? referenced.reduce((sum, v) => sum + v.referenceCostPence!, 0) : null,
          earmarkPence: visits.reduce((sum, v) => sum + v.earmarkPence, 0),
          bookingId: null,
          removedAt: null,
        },
      ]);
      return ok(pkg);
    });
  }

  async removeItem(viewer: Viewer, input: PackageItemRef): Promise<Result<PackageEntity>> {
    return this.changeDraft(viewer, input.packageId, async (tx, { pkg }) => {
      const itemId = input.itemId;
      const removed = itemId
        ? await tx.update(PackageItemEntity, { id: itemId, packageId: pkg.id, removedAt: IsNull() }, { removedAt: this.clock.now() })
        : null;
      return removed?.affected === 1 ? ok(pkg) : notFound("The item", ["itemId"]);
    });
  }

  async logTime(viewer: Viewer, input: LogBrokerageTimeCommand): Promise<Result<PackageEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.findVisible(viewer, input.packageId, tx);
      if (!found || !canArrange(viewer, found.client)) return notFound("The package", ["packageId"]);
      // The fee is fixed when the package is agreed, so time counts only until then.
      if (found.pkg.status !== PackageStatus.DRAFT && found.pkg.status !== PackageStatus.PROPOSED) {
        return fail(UserErrorCode.INVALID_TRANSITION, `The package is ${found.pkg.status}: brokerage time is logged until the package is agreed.`, [
          "packageId",
        ]);
      }
      await tx.increment(PackageEntity, { id: found.pkg.id }, "brokerageMinutes", input.minutes);
      return ok(await tx.findOneByOrFail(PackageEntity, { id: found.pkg.id }));
    });
  }

  async propose(viewer: Viewer, input: PackageRef): Promise<Result<PackageEntity>> {
    return this.changeDraft(viewer, input.packageId, async (tx, { pkg }) => {
      if ((await tx.countBy(PackageItemEntity, { packageId: pkg.id, removedAt: IsNull() })) === 0) {
        return fail(UserErrorCode.INVALID_VALUE, "Add at least one service before proposing the package.", ["packageId"]);
      }
      return this.move(tx, pkg, [PackageStatus.DRAFT], PackageStatus.PROPOSED);
    });
  }

  /**
   * The client agrees (or the broker records their consent): every item becomes a booking with
   * its commitment, and brokerage is charged, in one transaction: all or none. A failure names
   * the item and why (a rule, the money, the diary). Idempotent. When an item's booking waits for
   * a commissioner (a close relative paid, a life-improving purchase over the threshold), the
   * package is PENDING_APPROVAL, not AGREED, until every such booking is approved (afterApproval).
   */
  async agree(viewer: Viewer, input: AgreePackageCommand): Promise<Result<PackageEntity>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: input.idempotencyKey, operation: "agreePackage", input },
        async () => {
          const found = await this.findVisible(viewer, input.packageId, tx);
          if (!found) return notFound("The package", ["packageId"]);
          const moved = await this.move(tx, found.pkg, [PackageStatus.PROPOSED], PackageStatus.AGREED, {
            agreedAt: this.clock.now(),
            agreedByUserId: viewer.userId,
          });
          if (!moved.ok) return moved;
          const booked = await this.bookItems(tx, viewer, found.pkg);
          if (!booked.ok) return booked;
          if (booked.value.some((b) => b.status === BookingStatus.PENDING_APPROVAL)) {
            await tx.update(PackageEntity, { id: found.pkg.id }, { status: PackageStatus.PENDING_APPROVAL });
          }
          const charged = await this.chargeBrokerage(tx, moved.value, viewer);
          return charged.ok ? ok(await tx.findOneByOrFail(PackageEntity, { id: found.pkg.id })) : charged;
        },
        (pkg) => pkg.id,
        (id) => tx.findOneBy(PackageEntity, { id }),
      ),
    );
  }

  /**
   * A commissioner has decided on a booking (in their transaction): if it is an item of a package
   * waiting for approval, the package moves on. Approved, and no item's booking still waits:
   * AGREED. Rejected: the package was agreed as a whole, so it is REJECTED and its other bookings
   * are cancelled (their scheduled visits released); the broker revises it as a new package.
   * The package row is locked first (lockForApproval), so two approvals of a package's items at
   * once both count, and a cancellation of the package waits its turn.
   */
  async afterApproval(tx: EntityManager, viewer: Viewer, booking: BookingView, decision: ApprovalDecision): Promise<Result<unknown>> {
    const item = await tx.findOneBy(PackageItemEntity, { bookingId: booking.id, removedAt: IsNull() });
    const pkg = item ? await tx.findOneBy(PackageEntity, { id: item.packageId }) : null;
    if (!pkg || pkg.status !== PackageStatus.PENDING_APPROVAL) return ok(null);
    if (decision === ApprovalDecision.REJECTED) {
      const moved = await this.move(tx, pkg, [PackageStatus.PENDING_APPROVAL], PackageStatus.REJECTED);
      return moved.ok ? this.cancelBookings(tx, viewer, pkg, "package rejected: an item's booking was not approved") : moved;
    }
    const items = await tx.find(PackageItemEntity, { where: { packageId: pkg.id, removedAt: IsNull() } });
    for (const other of items) {
      const booked = other.bookingId ? await this.bookings.byId(tx, other.bookingId) : null;
      if (booked?.status === BookingStatus.PENDING_APPROVAL) return ok(null);
    }
    return this.move(tx, pkg, [PackageStatus.PENDING_APPROVAL], PackageStatus.AGREED);
  }

  /** Locks the package a booking belongs to (when it is an item of one) before a decision on the booking (the lock order above BudgetService.lock). */
  async lockForApproval(tx: EntityManager, bookingId: string): Promise<void> {
    const item = await tx.findOneBy(PackageItemEntity, { bookingId, removedAt: IsNull() });
    if (item) await tx.findOne(PackageEntity, { where: { id: item.packageId }, lock: { mode: "for_no_key_update" } });
  }

  /** A draft or proposal is set aside; an agreed package (or one waiting for approval) cancels its bookings (releasing what they hold). */
  async cancel(viewer: Viewer, input: CancelPackageCommand): Promise<Result<PackageEntity>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: input.idempotencyKey, operation: "cancelPackage", input },
        async () => {
          const found = await this.findVisible(viewer, input.packageId, tx);
          if (!found) return notFound("The package", ["packageId"]);
          const wasAgreed = found.pkg.status === PackageStatus.AGREED || found.pkg.status === PackageStatus.PENDING_APPROVAL;
          const moved = await this.move(
            tx,
            found.pkg,
            [PackageStatus.DRAFT, PackageStatus.PROPOSED, PackageStatus.PENDING_APPROVAL, PackageStatus.AGREED],
            PackageStatus.CANCELLED,
          );
          if (!moved.ok || !wasAgreed) return moved;
          const cancelled = await this.cancelBookings(tx, viewer, found.pkg, "package cancelled");
          return cancelled.ok ? moved : cancelled;
        },
        (pkg) => pkg.id,
        (id) => tx.findOneBy(PackageEntity, { id }),
      ),
    );
  }

  async list(viewer: Viewer, filter: PackageSearch | null | undefined, page: PageRequest): Promise<Connection<PackageEntity>> {
    const query = this.scoped(viewer);
    if (filter?.statuses?.length) query.andWhere("k.status IN (:...statuses)", { statuses: filter.statuses });
    return keysetPage(whereIdIs(query, "k.client_id", filter?.clientId), NEWEST, page);
  }

  /** The packages of the clients the viewer acts for (the one policy). */
  private scoped(viewer: Viewer): SelectQueryBuilder<PackageEntity> {
    return restrictToActFor(this.packages.createQueryBuilder("k"), viewer, { clientId: "k.client_id", fundingBodyCode: "k.funding_body_code" });
  }

  /**
   * Books every item, in order; a refusal names the item and why. An item books exactly the visits
   * it showed when added (visitCount): fewer now (its schedule no longer fits the budget period as
   * it did) is refused, never booked short.
   */
  private async bookItems(tx: EntityManager, viewer: Viewer, pkg: PackageEntity): Promise<Result<BookingView[]>> {
    const items = await tx.find(PackageItemEntity, { where: { packageId: pkg.id, removedAt: IsNull() }, order: { position: "ASC" } });
    // Read before booking: a refusal by a constraint ends the transaction's use for queries.
    const listingIds = items.map((i) => i.listingId);
    // Every item's listing locked at once, in id order, before any booking locks the budget (the lock order above BudgetService.lock).
    await this.listings.lockForBooking(tx, listingIds);
    const terms = await this.listings.termsOf(tx, listingIds);
    const made: BookingView[] = [];
    for (const [index, item] of items.entries()) {
      const label = itemLabel(index, terms.get(item.listingId)?.title);
      const refused = (errors: UserErrorData[]) =>
        failAll<BookingView[]>(errors.map((e) => ({ ...e, message: `${label}: ${e.message}`, field: ["items", index] })));
      const prepared = await this.bookings.prepare(tx, viewer, bookingRequestOf(item, pkg.budgetId));
      if (!prepared.ok) return refused(prepared.errors);
      if (prepared.value.visits.length < item.visitCount) return refused([fewerVisits(item.visitCount, prepared.value.visits.length)]);
      const booked = await this.bookings.place(tx, viewer, prepared.value);
      if (!booked.ok) return refused(booked.errors);
      await tx.update(PackageItemEntity, { id: item.id }, { bookingId: booked.value.id });
      made.push(booked.value);
    }
    return ok(made);
  }

  /** Cancels the bookings of an agreed package that have not ended, releasing what they hold. */
  private async cancelBookings(tx: EntityManager, viewer: Viewer, pkg: PackageEntity, note: string): Promise<Result<unknown>> {
    const items = await tx.find(PackageItemEntity, { where: { packageId: pkg.id, removedAt: IsNull() } });
    for (const item of items) {
      const booking = item.bookingId ? await this.bookings.byId(tx, item.bookingId) : null;
      if (!booking || isFinalBookingStatus(booking.status)) continue;
      const cancelled = await this.bookings.cancelWithin(tx, viewer, booking.id, note);
      if (!cancelled.ok) return cancelled;
    }
    return ok(null);
  }

  /** The funding body's brokerage terms, fixed on the package; a FEE on the budget when it pays. */
  private async chargeBrokerage(tx: EntityManager, pkg: PackageEntity, viewer: Viewer): Promise<Result<unknown>> {
    const body = await this.reference.findFundingBody(pkg.fundingBodyCode, tx);
    const fee = body ? brokerageFee(body, pkg.brokerageMinutes) : 0;
    const chargedTo = body?.brokerageChargedTo ?? BrokerageChargedTo.FUNDING_BODY;
    await tx.update(PackageEntity, { id: pkg.id }, { brokerageFeePence: fee, brokerageChargedTo: fee > 0 ? chargedTo : null });
    if (fee === 0 || chargedTo !== BrokerageChargedTo.BUDGET) return ok(null);
    const budget = await this.budgets.lock(tx, pkg.budgetId);
    const charged = budget ? await this.budgets.charge(tx, budget, { amountPence: fee, memo: "brokerage" }, viewer.userId) : notFound("The budget");
    return charged.ok ? charged : failAll(charged.errors.map((e) => ({ ...e, message: `Brokerage fee: ${e.message}`, field: ["packageId"] })));
  }

  private async changeDraft(
    viewer: Viewer,
    packageId: string | null,
    change: (tx: EntityManager, found: Found) => Promise<Result<PackageEntity>>,
  ): Promise<Result<PackageEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.findVisible(viewer, packageId, tx);
      if (!found || !canArrange(viewer, found.client)) return notFound("The package", ["packageId"]);
      const locked = await tx.findOne(PackageEntity, { where: { id: found.pkg.id }, lock: { mode: "for_no_key_update" } });
      if (locked?.status !== PackageStatus.DRAFT)
        return fail(UserErrorCode.INVALID_TRANSITION, `The package is ${locked?.status}: only a draft can change.`, ["packageId"]);
      return change(tx, found);
    });
  }

  /** Compare-and-swap on the package's status. */
  private async move(
    tx: EntityManager,
    pkg: PackageEntity,
    from: PackageStatus[],
    to: PackageStatus,
    extra: Partial<PackageEntity> = {},
  ): Promise<Result<PackageEntity>> {
    const changed = await tx
      .createQueryBuilder()
      .update(PackageEntity)
      .set({ status: to, ...extra })
      .where("id = :id AND status IN (:...from)", { id: pkg.id, from })
      .execute();
    if (changed.affected !== 1) {
      const current = await tx.findOneByOrFail(PackageEntity, { id: pkg.id });
      return fail(UserErrorCode.INVALID_TRANSITION, `The package is ${current.status}; that needs ${from.join(" or ")}.`, ["packageId"]);
    }
    return ok(Object.assign(pkg, { status: to, ...extra }));
  }
}
