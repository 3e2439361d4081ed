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

  /** A budget whose client the viewer may act for (never visible to providers). */
  async findVisible(viewer: Viewer | null, id: string | null, tx: EntityManager = this.db.manager): Promise<{ budget: BudgetEntity; client: ClientEntity } | null> {
    if (!viewer || !id) return null;
    const budget = await tx.findOneBy(BudgetEntity, { id });
    const client = budget ? await tx.findOneBy(ClientEntity, { id: budget.clientId }) : null;
    return budget && client && canActFor(viewer, client) ? { budget, client } : null;
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
      const found = await this.findVisible(viewer, uuidOf(input.budgetId, "Budget"), tx);
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

  /** Sets what happens to savings of bookings made from now on. */
  async setGainPolicy(viewer: Viewer, input: SetGainPolicyInput): Promise<Result<BudgetEntity>> {
    const found = await this.findVisible(viewer, uuidOf(input.budgetId, "Budget"));
    if (!found || !canManage(viewer, found.client)) return notFound("The budget", ["input", "budgetId"]);
    const percent = returnPercentOf(input.mode, input.returnPercent);
    if (typeof percent === "string") return fail(UserErrorCode.INVALID_VALUE, percent, ["input", "returnPercent"]);
    await this.budgets.update({ id: found.budget.id }, { gainMode: input.mode, gainReturnPercent: percent });
    return ok(Object.assign(found.budget, { gainMode: input.mode, gainReturnPercent: percent }));
  }

  /**
   * Appends entries to a budget's ledger and moves its totals, inside the caller's transaction.
   * The row is locked first, so concurrent postings take turns; money that is not there is
   * refused with INSUFFICIENT_BUDGET (and chk_budgets_available guarantees it regardless).
   */
  async post(tx: EntityManager, budgetId: string, postings: PostingDetail[], actorUserId: string | null): Promise<Result<BudgetEntity>> {
    // NO KEY UPDATE: rows referencing the budget (bookings, ledger entries) hold KEY SHARE on it; FOR UPDATE would deadlock with them.
    const budget = await tx.findOne(BudgetEntity, { where: { id: budgetId }, lock: { mode: "for_no_key_update" } });
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
