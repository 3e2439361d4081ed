import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { fail, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import type { Clock } from "../../shared/time";
import type { BudgetService, LockedBudget } from "../budgets";
import type { EventService } from "../events";
import { BookingEntity } from "./booking.entity";
import { visitRecorded } from "./booking.events";
import { BookingStatus, VisitOutcome, VisitStatus } from "./booking.enums";
import type { DeliveryPricing } from "./delivery-pricing";
import type { RecordVisitCommand } from "./booking.commands";
import { deliveredShift, TRANSITIONS } from "./booking.rules";
import type { VisitView } from "./booking.models";
import { VisitEntity } from "./visit.entity";

export class VisitService {
  constructor(
    private readonly db: DataSource,
    private readonly budgets: BudgetService,
    private readonly events: EventService,
    private readonly clock: Clock,
    private readonly delivery: DeliveryPricing,
  ) {}

  /**
   * The provider records a visit of a confirmed booking: DELIVERED turns its commitment into
   * spend, MISSED releases it. The last visit recorded completes the booking. Locks: idempotency
   * key, budget, then booking, then visit (BudgetService.lock's lock order).
   * A shift record of DELIVERED may differ from the booking: its actual start and end, and the
   * units delivered. Fewer units release the difference; more are committed now, in the same
   * transaction, if the budget can take them (INSUFFICIENT_BUDGET otherwise). Payment waits for
   * the client's confirmation (the settlement module).
   */
  async record(viewer: Viewer, command: RecordVisitCommand): Promise<Result<VisitEntity>> {
    const id = command.visitId;
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "recordVisit", input: command },
        async () => {
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
          const shift = deliveredShift(visit, booking, command, now);
          if (!shift.ok) return shift;
          const { startedAt, endedAt, units, costPence, referenceCostPence } =
            status === VisitStatus.DELIVERED ? shift.value : { ...visit, startedAt: null, endedAt: null };
          const booked = { units: visit.units, costPence: visit.costPence };
          const changed = await tx.update(
            VisitEntity,
            { id: visit.id, status: VisitStatus.SCHEDULED },
            {
              status,
              recordedAt: now,
              recordedByUserId: viewer.userId,
              startedAt,
              endedAt,
              note: command.note,
              ...(units !== visit.units ? { units, costPence, referenceCostPence, bookedUnits: visit.units } : {}),
            },
          );
          if (changed.affected !== 1) {
            return fail(UserErrorCode.INVALID_TRANSITION, "This visit was already recorded or cancelled.", ["visitId"]);
          }
          const memo = `visit ${visit.startsAt.toISOString()} ${status}`;
          // Delivered: the units delivered are paid for (the difference from the booking committed or released), the reference
          // as known now is frozen, then the cost is spent and the earmarked saving goes back to the funder. Missed: both are released.
          let budget = locked;
          if (status === VisitStatus.DELIVERED) {
            Object.assign(visit, { units, costPence, referenceCostPence });
            const adjusted = await this.adjust(tx, locked, booking.id, visit, booked, memo, viewer.userId);
            if (!adjusted.ok) return adjusted;
            budget = await this.delivery.freeze(tx, adjusted.value, booking, visit, viewer.userId);
          }
          const posted =
            status === VisitStatus.DELIVERED
              ? await this.budgets.spend(
                  tx,
                  budget,
                  { bookingId: booking.id, costPence: visit.costPence, earmarkPence: visit.earmarkPence, memo },
                  viewer.userId,
                )
              : await this.budgets.release(tx, budget, { bookingId: booking.id, amountPence: visit.costPence + visit.earmarkPence, memo }, viewer.userId);
          if (!posted.ok) return posted;

          if ((await tx.countBy(VisitEntity, { bookingId: booking.id, status: VisitStatus.SCHEDULED })) === 0) {
            await tx.update(BookingEntity, { id: booking.id, status: TRANSITIONS.complete.from[0] }, { status: TRANSITIONS.complete.to, updatedAt: now });
          }
          await this.events.record(tx, visitRecorded({ ...visit, status }, booking, budget.fundingBodyCode));
          return ok(await tx.findOneByOrFail(VisitEntity, { id: visit.id }));
        },
        (recorded) => recorded.id,
        (visitId) => tx.findOneBy(VisitEntity, { id: visitId }),
      ),
    );
  }

  /** A visit by id, read through `tx`, whoever may see it: for the settlement module, which checks who may. */
  byId(tx: EntityManager, id: string): Promise<VisitView | null> {
    return tx.findOneBy(VisitEntity, { id });
  }

  /**
   * A delivered visit whose units differ from the booking's: fewer release what they did not use,
   * more commit what they cost, now, if the budget can take it.
   */
  private async adjust(
    tx: EntityManager,
    budget: LockedBudget,
    bookingId: string,
    visit: VisitEntity,
    booked: { units: number; costPence: number },
    memo: string,
    actorUserId: string,
  ): Promise<Result<LockedBudget>> {
    const extra = visit.costPence - booked.costPence;
    if (extra > 0) {
      const committed = await this.budgets.commit(tx, budget, { bookingId, costPence: extra, earmarkPence: 0, visits: 1 }, actorUserId);
      return committed.ok
        ? committed
        : fail(
            UserErrorCode.INSUFFICIENT_BUDGET,
            `The budget cannot pay for more than the booked ${booked.units} unit(s) now: record the units booked, and ask the client to book the rest.`,
            ["units"],
          );
    }
    if (extra < 0) return this.budgets.release(tx, budget, { bookingId, amountPence: -extra, memo: `${memo}: fewer units than booked` }, actorUserId);
    return ok(budget);
  }
}
