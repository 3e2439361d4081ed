import type { DataSource } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { fail, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import type { Clock } from "../../shared/time";
import type { BudgetService } from "../budgets";
import { BookingEntity } from "./booking.entity";
import { BookingStatus, VisitOutcome, VisitStatus } from "./booking.enums";
import type { DeliveryPricing } from "./delivery-pricing";
import type { RecordVisitCommand } from "./booking.commands";
import { TRANSITIONS } from "./booking.rules";
import { VisitEntity } from "./visit.entity";

export class VisitService {
  constructor(
    private readonly db: DataSource,
    private readonly budgets: BudgetService,
    private readonly clock: Clock,
    private readonly delivery: DeliveryPricing,
  ) {}

  /**
   * The provider records a visit of a confirmed booking: DELIVERED turns its commitment into
   * spend, MISSED releases it. The last visit recorded completes the booking. Locks: budget, then
   * booking, then visit (BudgetService.lock's lock order).
   */
  async record(viewer: Viewer, command: RecordVisitCommand): Promise<Result<VisitEntity>> {
    const id = command.visitId;
    return transactionResult(this.db, async (tx) => {
      const visit = id ? await tx.findOneBy(VisitEntity, { id }) : null;
      const seen = visit ? await tx.findOneBy(BookingEntity, { id: visit.bookingId }) : null;
      if (!visit || !seen || seen.providerId !== viewer.providerId) return notFound("The visit", ["visitId"]);
      // A booking's budget and provider never change: lock its budget, then read the booking under its own lock.
      const locked = await this.budgets.lock(tx, seen.budgetId);
      if (!locked) return notFound("The visit", ["visitId"]);
      const booking = await tx.findOneOrFail(BookingEntity, { where: { id: seen.id }, lock: { mode: "for_no_key_update" } });
      if (booking.status !== BookingStatus.CONFIRMED) {
        return fail(UserErrorCode.INVALID_TRANSITION, `Visits are recorded on confirmed bookings; this one is ${booking.status}.`, ["visitId"]);
      }
      const now = this.clock.now();
      if (visit.startsAt > now) return fail(UserErrorCode.VISIT_NOT_DUE, "This visit has not started yet: record it once it has.", ["visitId"]);

      const status = command.outcome === VisitOutcome.DELIVERED ? VisitStatus.DELIVERED : VisitStatus.MISSED;
      const changed = await tx.update(
        VisitEntity,
        { id: visit.id, status: VisitStatus.SCHEDULED },
        { status, recordedAt: now, recordedByUserId: viewer.userId },
      );
      if (changed.affected !== 1) {
        return fail(UserErrorCode.INVALID_TRANSITION, "This visit was already recorded or cancelled.", ["visitId"]);
      }
      // Delivered: the reference as known now is frozen, then the cost is spent and the earmarked saving goes back to the funder. Missed: both are released.
      const budget = status === VisitStatus.DELIVERED ? await this.delivery.freeze(tx, locked, booking, visit, viewer.userId) : locked;
      const memo = `visit ${visit.startsAt.toISOString()} ${status}`;
      const posted =
        status === VisitStatus.DELIVERED
          ? await this.budgets.spend(tx, budget, { bookingId: booking.id, costPence: visit.costPence, earmarkPence: visit.earmarkPence, memo }, viewer.userId)
          : await this.budgets.release(tx, budget, { bookingId: booking.id, amountPence: visit.costPence + visit.earmarkPence, memo }, viewer.userId);
      if (!posted.ok) return posted;

      if ((await tx.countBy(VisitEntity, { bookingId: booking.id, status: VisitStatus.SCHEDULED })) === 0) {
        await tx.update(BookingEntity, { id: booking.id, status: TRANSITIONS.complete.from[0] }, { status: TRANSITIONS.complete.to, updatedAt: now });
      }
      return ok(Object.assign(visit, { status, recordedAt: now, recordedByUserId: viewer.userId }));
    });
  }
}
