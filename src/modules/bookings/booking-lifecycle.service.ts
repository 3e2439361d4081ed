/** A booking's lifecycle after it is placed: confirm, decline, cancel, approve, reject (compare-and-swap on status). */
import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { failAll, notFound, ok, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import type { Clock } from "../../shared/time";
import { canManage, type BudgetService, type ClientView, type LockedBudget } from "../budgets";
import type { BookingDecisionCommand } from "./booking.commands";
import { BookingEntity } from "./booking.entity";
import { ApprovalDecision, BookingStatus } from "./booking.enums";
import { invalidTransition, targetStatus, TRANSITIONS, type BookingAction } from "./booking.rules";

/** Who may see a booking (BookingService). */
export interface BookingAccess {
  isVisibleTo(viewer: Viewer | null, booking: BookingEntity, client: ClientView): boolean;
  findVisible(viewer: Viewer | null, id: string | null, tx?: EntityManager): Promise<{ booking: BookingEntity; client: ClientView } | null>;
}

export class BookingLifecycle {
  constructor(
    private readonly db: DataSource,
    private readonly budgets: BudgetService,
    private readonly access: BookingAccess,
    private readonly clock: Clock,
  ) {}

  confirm(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "confirm", (b) => viewer.providerId === b.providerId);
  }

  decline(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "decline", (b) => viewer.providerId === b.providerId);
  }

  cancel(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "cancel", (b, c) => this.access.isVisibleTo(viewer, b, c));
  }

  approve(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "approve", (_b, c) => canManage(viewer, c));
  }

  reject(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "reject", (_b, c) => canManage(viewer, c));
  }

  /**
   * Moves a booking by compare-and-swap on its status (a booking changed meanwhile is an
   * INVALID_TRANSITION, never overwritten). Ending a booking releases what its scheduled visits hold.
   */
  private transition(
    viewer: Viewer,
    command: BookingDecisionCommand,
    action: BookingAction,
    allowed: (booking: BookingEntity, client: ClientView) => boolean,
  ): Promise<Result<BookingEntity>> {
    // Idempotent: a retried decision (the same key and input) answers the booking as it is now, and moves nothing again.
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: `${action}Booking`, input: command },
        () => this.transitionIn(tx, viewer, command.bookingId, action, allowed, command.note),
        (booking) => booking.id,
        (id) => tx.findOneBy(BookingEntity, { id }),
      ),
    );
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
    const found = await this.access.findVisible(viewer, bookingId, tx);
    if (!found || !allowed(found.booking, found.client)) return notFound("The booking", ["bookingId"]);
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

  /** Cancels a booking inside the caller's transaction (a package cancels its bookings with its own). */
  cancelWithin(tx: EntityManager, viewer: Viewer, bookingId: string, note: string): Promise<Result<BookingEntity>> {
    return this.transitionIn(tx, viewer, bookingId, "cancel", () => true, note);
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
}
