import type { DataSource, EntityManager, Repository } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { insertRows, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId, uuidOf } from "../../shared/ids";
import { formatPounds } from "../../shared/money";
import { Connection, decodeCursor, encodeCursor, type PageArgs } from "../../shared/pagination";
import { addDays, type Clock } from "../../shared/time";
import type { ReferenceService } from "../reference";
import { BudgetEntity } from "./budget.entity";
import { GainMode, LedgerKind } from "./budget.enums";
import type { CreateBudgetInput, SetGainPolicyInput, TopUpBudgetInput } from "./budget.inputs";
import { ClientEntity } from "./client.entity";
import { canActFor, canManage } from "./client.rules";
import { LedgerEntryEntity } from "./ledger-entry.entity";
import { available, deltaOf, returnPercentOf, type Posting } from "./ledger.rules";

export interface PostingDetail extends Posting {
  bookingId?: string | null;
  memo?: string;
}

export class BudgetService {
  private readonly budgets: Repository<BudgetEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly clock: Clock,
  ) {
    this.budgets = db.getRepository(BudgetEntity);
  }

  /**
   * A budget whose client the viewer may act for (never visible to providers). With `lock`, the
   * budget is then locked and read again under its lock (see lockBudget): for anything computed
   * from it. Who may see a budget never changes (its client is fixed), so the check comes first
   * and nobody can lock a budget they may not see.
   */
  async findVisible(
    viewer: Viewer | null,
    id: string | null,
    tx: EntityManager = this.db.manager,
    options: { lock?: boolean } = {},
  ): Promise<{ budget: BudgetEntity; client: ClientEntity } | null> {
    if (!viewer || !id) return null;
    const seen = await tx.findOneBy(BudgetEntity, { id });
    const client = seen ? await tx.findOneBy(ClientEntity, { id: seen.clientId }) : null;
    if (!seen || !client || !canActFor(viewer, client)) return null;
    const budget = options.lock ? await this.lockBudget(tx, seen.id) : seen;
    return budget ? { budget, client } : null;
  }

  /**
   * Locks a budget row until the caller's transaction ends and reads it under the lock.
   *
   * LOCK ORDER. Every transaction that moves a budget's money or reads what it will post from
   * takes its locks in this order, so none can wait on one that waits on it:
   *   1. the idempotency key it claims (shared/idempotency.ts once());
   *   2. the package it moves, or the quote request then its quotes (compare-and-swap on status);
   *   3. budgets, here, FOR NO KEY UPDATE; several one by one in id order (compareIds: a group
   *      booking prepares its participants sorted so);
   *   4. bookings (compare-and-swap on status, or inserted), then their visits;
   *   5. ledger entries, appended by post() under the lock of step 3.
   * A budget is read under its lock before anything is computed from it (its totals, its gain
   * policy), and stays locked until commit: nothing can change it between that read and the
   * posting. Paths that change a booking without money (confirm, approve) lock only the booking.
   * NO KEY UPDATE rather than UPDATE: rows referencing the budget (bookings, ledger entries) hold
   * KEY SHARE on it through their foreign keys, which FOR UPDATE would conflict with.
   */
  lockBudget(tx: EntityManager, id: string): Promise<BudgetEntity | null> {
    return tx.findOne(BudgetEntity, { where: { id }, lock: { mode: "for_no_key_update" } });
  }

  /**
   * A visible budget named together with its client, as creating or planning a package does. A client
   * the viewer may not see reads as not found, like any other id of theirs; only a client the viewer
   * acts for is told the budget is someone else's.
   */
  async findVisibleOf(viewer: Viewer, clientId: string | null, budgetId: string | null): Promise<Result<{ budget: BudgetEntity; client: ClientEntity }>> {
    const found = await this.findVisible(viewer, budgetId);
    if (!found) return notFound("The budget", ["input", "budgetId"]);
    if (found.client.id === clientId) return ok(found);
    const client = clientId ? await this.db.manager.findOneBy(ClientEntity, { id: clientId }) : null;
    if (!client || !canActFor(viewer, client)) return notFound("The client", ["input", "clientId"]);
    return fail(UserErrorCode.INVALID_VALUE, "The budget is not this client's.", ["input", "budgetId"]);
  }

  async create(viewer: Viewer, input: CreateBudgetInput): Promise<Result<BudgetEntity>> {
    const clientId = uuidOf(input.clientId, "Client");
    const client = clientId ? await this.db.getRepository(ClientEntity).findOneBy({ id: clientId }) : null;
    if (!client || !canManage(viewer, client)) return notFound("The client", ["input", "clientId"]);
    const errors = await this.checkPlan(input);
    if (errors.length > 0) return failAll(errors);

    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: input.idempotencyKey, operation: "createBudget", input },
        async () => {
          const budget = tx.create(BudgetEntity, {
            id: newId(),
            clientId: client.id,
            fundingBodyCode: client.fundingBodyCode,
            kind: input.kind,
            management: input.management,
            periodStart: input.periodStart,
            periodEnd: input.periodEnd,
            coveredCategories: [...new Set(input.coveredCategoryCodes)],
            reviewDueOn: input.reviewDueOn ?? addDays(input.periodStart, 182),
            allocatedPence: 0,
            committedPence: 0,
            spentPence: 0,
            returnedPence: 0,
            gainMode: GainMode.RETAIN,
            gainReturnPercent: 0,
            createdAt: this.clock.now(),
          });
          await insertRows(tx, BudgetEntity, [budget]);
          return this.post(tx, budget.id, [{ kind: LedgerKind.ALLOCATION, amountPence: input.allocatedPence, memo: "Allocation" }], viewer.userId);
        },
        (budget) => budget.id,
        (id) => tx.findOneBy(BudgetEntity, { id }),
      ),
    );
  }

  async topUp(viewer: Viewer, input: TopUpBudgetInput): Promise<Result<BudgetEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.findVisible(viewer, uuidOf(input.budgetId, "Budget"), tx, { lock: true });
      if (!found || !canManage(viewer, found.client)) return notFound("The budget", ["input", "budgetId"]);
      return once(
        tx,
        { actorUserId: viewer.userId, key: input.idempotencyKey, operation: "topUpBudget", input },
        () => this.post(tx, found.budget.id, [{ kind: LedgerKind.TOP_UP, amountPence: input.amountPence, memo: input.memo }], viewer.userId),
        (budget) => budget.id,
        (id) => tx.findOneBy(BudgetEntity, { id }),
      );
    });
  }

  /**
   * Sets what happens to savings of bookings made from now on. Under the budget's lock: a booking
   * being made holds it from reading the policy to posting its earmarks, so a change waits for it.
   */
  async setGainPolicy(viewer: Viewer, input: SetGainPolicyInput): Promise<Result<BudgetEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.findVisible(viewer, uuidOf(input.budgetId, "Budget"), tx, { lock: true });
      if (!found || !canManage(viewer, found.client)) return notFound("The budget", ["input", "budgetId"]);
      const percent = returnPercentOf(input.mode, input.returnPercent);
      if (typeof percent === "string") return fail(UserErrorCode.INVALID_VALUE, percent, ["input", "returnPercent"]);
      await tx.update(BudgetEntity, { id: found.budget.id }, { gainMode: input.mode, gainReturnPercent: percent });
      return ok(Object.assign(found.budget, { gainMode: input.mode, gainReturnPercent: percent }));
    });
  }

  /**
   * Appends entries to a budget's ledger and moves its totals, inside the caller's transaction.
   * The row is locked first (callers that computed the postings from it locked it already), so
   * concurrent postings take turns; money that is not there is refused with INSUFFICIENT_BUDGET
   * (and chk_budgets_available guarantees it regardless).
   */
  async post(tx: EntityManager, budgetId: string, postings: PostingDetail[], actorUserId: string | null): Promise<Result<BudgetEntity>> {
    const budget = await this.lockBudget(tx, budgetId);
    if (!budget) return notFound("The budget", ["input", "budgetId"]);
    const delta = deltaOf(postings);
    const next = {
      allocated: budget.allocatedPence + delta.allocated,
      committed: budget.committedPence + delta.committed,
      spent: budget.spentPence + delta.spent,
      returned: budget.returnedPence + delta.returned,
    };
    if (available(next) < 0) {
      const needed = delta.committed + delta.spent + delta.returned - delta.allocated;
      return fail(
        UserErrorCode.INSUFFICIENT_BUDGET,
        `This needs ${formatPounds(needed)} but the budget has ${formatPounds(available(next) + needed)} available. Nothing was committed: book less, or ask the funding body for a top-up.`,
      );
    }
    await tx.query(
      `UPDATE budgets SET allocated_pence = allocated_pence + $2, committed_pence = committed_pence + $3,
         spent_pence = spent_pence + $4, returned_pence = returned_pence + $5 WHERE id = $1`,
      [budgetId, delta.allocated, delta.committed, delta.spent, delta.returned],
    );
    const now = this.clock.now();
    await insertRows(
      tx,
      LedgerEntryEntity,
      postings
        .filter((p) => p.amountPence !== 0)
        .map((p) => ({ id: newId(), budgetId, kind: p.kind, amountPence: p.amountPence, bookingId: p.bookingId ?? null, actorUserId, memo: p.memo ?? "", occurredAt: now })),
    );
    return ok(
      Object.assign(budget, { allocatedPence: next.allocated, committedPence: next.committed, spentPence: next.spent, returnedPence: next.returned }),
    );
  }

  async ledger(budgetId: string, { first, after }: PageArgs): Promise<Connection<LedgerEntryEntity>> {
    const query = this.db.getRepository(LedgerEntryEntity).createQueryBuilder("e").where("e.budget_id = :budgetId", { budgetId });
    const page = query.clone().orderBy("e.id", "DESC").limit(first + 1);
    if (after) page.andWhere("e.id < :after::uuid", { after: decodeCursor(after, "LEDGER", 1)[0] });
    return new Connection(await page.getMany(), first, (e) => encodeCursor("LEDGER", [e.id]), () => query.getCount());
  }

  private async checkPlan(input: CreateBudgetInput): Promise<UserErrorData[]> {
    const errors: UserErrorData[] = [];
    if (input.periodEnd < input.periodStart) {
      errors.push({ code: UserErrorCode.INVALID_VALUE, message: "The period ends before it starts.", field: ["input", "periodEnd"] });
    }
    const categories = new Map((await this.reference.listCategories()).map((c) => [c.code, c]));
    input.coveredCategoryCodes.forEach((code, index) => {
      const category = categories.get(code);
      const field = ["input", "coveredCategoryCodes", index];
      if (!category) errors.push({ code: UserErrorCode.NOT_FOUND, message: `No category has code ${code}.`, field });
      else if (!category.allowedFor.includes(input.kind)) {
        errors.push({
          code: UserErrorCode.NOT_ALLOWED_FOR_BUDGET_KIND,
          message: `${category.name} cannot be paid for by a ${input.kind === "PERSONAL_HEALTH_BUDGET" ? "personal health budget (NHS (Direct Payments) Regulations 2013)" : "personal budget"}.`,
          field,
        });
      }
    });
    return errors;
  }
}

/** The order budgets are locked in: their ids' (PostgreSQL's uuid order is that of the lowercase text). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
