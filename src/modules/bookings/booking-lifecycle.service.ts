/** A booking's lifecycle after it is placed: confirm, decline, cancel, approve, reject (compare-and-swap on status). */
import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import type { Clock } from "../../shared/time";
import { canManage, type BudgetService, type ClientView, type LockedBudget } from "../budgets";
import type { BookingDecisionCommand } from "./booking.commands";
import { BookingEntity } from "./booking.entity";
import { ApprovalDecision, BookingStatus, PayeeRelationship } from "./booking.enums";
import { approvalNeedsNote, confirmation, invalidTransition, targetStatus, TRANSITIONS, type BookingAction } from "./booking.rules";

/** What an action does beyond its transition (the status it leads to, other columns), or why it may not. */
type Shape = (booking: BookingEntity) => Result<{ to?: BookingStatus; set?: Partial<Pick<BookingEntity, ShapedColumn>> }>;
type ShapedColumn =
  "payeeRelationship" | "payeeDeclaredByProvider" | "approvalReasons" | "approvalDecision" | "approvalDecidedBy" | "approvalDecidedAt" | "approvalNote";

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

  /**
   * The provider accepts a REQUESTED booking, declaring who its worker (the payee) is to the client
   * (reg. 3; none when it says nothing). A declaration the council must agree to, not yet agreed,
   * sends the booking to PENDING_APPROVAL instead (booking.rules.ts confirmation).
   */
  confirm(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    const declared = command.payeeRelationship ?? PayeeRelationship.NONE;
    return this.transition(
      viewer,
      command,
      "confirm",
      (b) => viewer.providerId === b.providerId,
      (booking) => {
        const { status, payeeRelationship, approvalReasons, decisionReset } = confirmation(booking, declared);
        const reset = decisionReset ? { approvalDecision: null, approvalDecidedBy: null, approvalDecidedAt: null, approvalNote: "" } : {};
        return ok({ to: status, set: { payeeRelationship, payeeDeclaredByProvider: declared, approvalReasons, ...reset } });
      },
    );
  }

  decline(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "decline", (b) => viewer.providerId === b.providerId);
  }

  cancel(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(viewer, command, "cancel", (b, c) => this.access.isVisibleTo(viewer, b, c));
  }

  /** A commissioner records that a PENDING_APPROVAL booking may go ahead; a relative payee's agreement needs its reason in the note (reg. 3). */
  approve(viewer: Viewer, command: BookingDecisionCommand): Promise<Result<BookingEntity>> {
    return this.transition(
      viewer,
      command,
      "approve",
      (_b, c) => canManage(viewer, c),
      (booking) => {
        // Only a booking still waiting (else the transition's own refusal says why).
        const missing = booking.status === BookingStatus.PENDING_APPROVAL ? approvalNeedsNote(booking.approvalReasons, command.note) : null;
        return missing ? failAll([missing]) : ok({});
      },
    );
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
    shape?: Shape,
  ): Promise<Result<BookingEntity>> {
    if (action !== "confirm" && command.payeeRelationship !== undefined) {
      return Promise.resolve(
        fail(UserErrorCode.INVALID_VALUE, "Only the provider's confirmation (confirmBooking) declares who the payee is; leave payeeRelationship out.", [
          "payeeRelationship",
        ]),
      );
    }
    return transactionResult(this.db, (tx) => this.transitionIn(tx, viewer, command.bookingId, action, allowed, command.note, shape));
  }

  /** `transition` inside the caller's transaction (a package cancels its bookings with its own). */
  async transitionIn(
    tx: EntityManager,
    viewer: Viewer,
    bookingId: string | null,
    action: BookingAction,
    allowed: (booking: BookingEntity, client: ClientView) => boolean,
    note = "",
    shape: Shape = () => ok({}),
  ): Promise<Result<BookingEntity>> {
    const found = await this.access.findVisible(viewer, bookingId, tx);
    if (!found || !allowed(found.booking, found.client)) return notFound("The booking", ["bookingId"]);
    const { booking } = found;
    const shaped = shape(booking);
    if (!shaped.ok) return shaped;
    // The provider already agreed: the booking came from its quote, or it confirmed before the approval.
    const to = shaped.value.to ?? targetStatus(action, booking.quoteId !== null || booking.payeeDeclaredByProvider !== null);
    const decision = action === "approve" ? ApprovalDecision.APPROVED : action === "reject" ? ApprovalDecision.REJECTED : null;
    const now = this.clock.now();
    const releases = to === BookingStatus.DECLINED || to === BookingStatus.CANCELLED;
    // The budget before the booking (BudgetService.lock's lock order), when money moves.
    const budget = releases ? await this.budgets.lock(tx, booking.budgetId) : null;
    const changed = await tx
      .createQueryBuilder()
      .update(BookingEntity)
      .set({
        ...shaped.value.set,
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
