/**
 * Closing a budget's period (closeBudget): settlement knows whether every visit of the period has
 * been delivered and answered, the budgets module moves the money (BudgetService.close).
 */
import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { fail, notFound, UserErrorCode, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { londonDate, type Clock } from "../../shared/time";
import {
  BudgetStatus,
  canManage,
  compareIds,
  SurplusDisposal,
  type BudgetService,
  type BudgetView,
  type CloseBudgetCommand,
  type LockedBudget,
} from "../budgets";
import { unsettledMessage } from "./settlement.rules";

interface Unsettled {
  scheduled: number;
  awaiting: number;
  disputed: number;
}

export class PeriodCloseService {
  constructor(
    private readonly db: DataSource,
    private readonly budgets: BudgetService,
    private readonly clock: Clock,
  ) {}

  /**
   * A commissioner of the budget's funding body closes its period once it has ended and each of its
   * visits is recorded and answered. Locks: the key, then the budget and the next one in id order
   * (BudgetService.lock's order); 20 concurrent closes with different keys: one closes, the others
   * wait on the budget's lock and then read it closed.
   */
  close(viewer: Viewer, command: CloseBudgetCommand): Promise<Result<BudgetView>> {
    return transactionResult(this.db, (tx) =>
      once<BudgetView>(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "closeBudget", input: command },
        async () => {
          const carrying = command.disposal === SurplusDisposal.CARRY_FORWARD;
          const ids = [command.budgetId, ...(command.nextBudgetId !== undefined ? [command.nextBudgetId] : [])];
          if (command.nextBudgetId === null) return notFound("The next budget", ["nextBudgetId"]);
          if (!command.budgetId) return notFound("The budget", ["budgetId"]);
          const locked = new Map<string, LockedBudget>();
          for (const id of [...new Set(ids as string[])].sort(compareIds)) {
            const found = await this.budgets.lockVisible(tx, viewer, id);
            if (found && canManage(viewer, found.client)) locked.set(id, found.budget);
          }
          const budget = locked.get(command.budgetId);
          if (!budget) return notFound("The budget", ["budgetId"]);
          const next = command.nextBudgetId ? (locked.get(command.nextBudgetId) ?? null) : null;
          if (command.nextBudgetId && !next) return notFound("The next budget", ["nextBudgetId"]);
          if (next && !carrying) return fail(UserErrorCode.INVALID_VALUE, "Only CARRY_FORWARD names a next budget: leave nextBudgetId out.", ["nextBudgetId"]);
          if (budget.status !== BudgetStatus.CLOSED) {
            const today = londonDate(this.clock.now());
            if (today <= budget.periodEnd) {
              return fail(UserErrorCode.PERIOD_NOT_OVER, `The budget's period runs to ${budget.periodEnd}: close it from the day after.`, ["budgetId"]);
            }
            const unsettled = await this.unsettled(tx, budget.id);
            const message = unsettledMessage(unsettled.scheduled, unsettled.awaiting, unsettled.disputed);
            if (message) return fail(UserErrorCode.VISITS_UNSETTLED, message, ["budgetId"]);
          }
          const closed = await this.budgets.close(tx, budget, command, next, viewer.userId);
          return closed.ok ? { ok: true, value: closed.value.budget } : closed;
        },
        (budget) => budget.id,
        (id) => this.budgets.findVisible(viewer, id, tx).then((found) => found?.budget ?? null),
      ),
    );
  }

  /** The budget's visits not yet settled: still scheduled, delivered and awaiting an answer, or disputed. */
  private async unsettled(tx: EntityManager, budgetId: string): Promise<Unsettled> {
    const [row]: { scheduled: number; awaiting: number; disputed: number }[] = await tx.query(
      `SELECT count(*) FILTER (WHERE v.status = 'SCHEDULED')::int AS scheduled,
              count(*) FILTER (WHERE v.status = 'DELIVERED' AND c.visit_id IS NULL)::int AS awaiting,
              count(*) FILTER (WHERE c.status = 'DISPUTED')::int AS disputed
       FROM bookings b JOIN visits v ON v.booking_id = b.id LEFT JOIN visit_confirmations c ON c.visit_id = v.id
       WHERE b.budget_id = $1`,
      [budgetId],
    );
    return row;
  }
}
