import { In, type DataSource, type EntityManager, type Repository } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { insertRows, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { formatPounds } from "../../shared/money";
import { addMonths, type Clock } from "../../shared/time";
import { BudgetKind, type ReferenceService } from "../reference";
import { BudgetEntity } from "./budget.entity";
import { BudgetStatus, GainMode, LedgerKind, SurplusDisposal } from "./budget.enums";
import type {
  Charge,
  Commitment,
  Rearmark,
  CreateBudgetCommand,
  PeriodClose,
  Release,
  SetGainPolicyCommand,
  Spend,
  TopUpBudgetCommand,
} from "./budget.commands";
import type { BudgetView, ClientView, LockedBudget } from "./budget.models";
import { ClientEntity } from "./client.entity";
import { canActFor, canManage } from "./client.rules";
import { LedgerEntryEntity } from "./ledger-entry.entity";
import { FIRST_REVIEW_MONTHS } from "./review.rules";
import { availableOf, deltaOf, earmarkChange, returnPercentOf, type Posting } from "./ledger.rules";

/** A ledger's order: newest first (ids are time-ordered). */

interface PostingDetail extends Posting {
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

  /** A budget whose client the viewer may act for (never visible to providers), as it is now: for display, not for computing. */
  async findVisible(viewer: Viewer | null, id: string | null, tx: EntityManager = this.db.manager): Promise<{ budget: BudgetView; client: ClientView } | null> {
    if (!viewer || !id) return null;
    const budget = await tx.findOneBy(BudgetEntity, { id });
    const client = budget ? await tx.findOneBy(ClientEntity, { id: budget.clientId }) : null;
    return budget && client && canActFor(viewer, client) ? { budget, client } : null;
  }

  /**
   * A budget whose client the viewer may act for, locked and read once under its lock (see lock()):
   * what anything computed from a budget (its totals, its gain policy, its period) must start from.
   * Who may see a budget is decided by its client alone, and a budget's client never changes, so
   * the check comes first, from the client, and nobody can lock a budget they may not see.
   */
  async lockVisible(tx: EntityManager, viewer: Viewer | null, id: string | null): Promise<{ budget: LockedBudget; client: ClientView } | null> {
    if (!viewer || !id) return null;
    const client = await tx.createQueryBuilder(ClientEntity, "c").where("c.id = (SELECT b.client_id FROM budgets b WHERE b.id = :id)", { id }).getOne();
    if (!client || !canActFor(viewer, client)) return null;
    const budget = await this.lock(tx, id);
    return budget ? { budget, client } : null;
  }

  /**
   * Locks a budget row until the caller's transaction ends and reads it under the lock.
   *
   * LOCK ORDER. Every transaction that moves a budget's money or reads what it will post from
   * takes its locks in this order, so none can wait on one that waits on it:
   *   1. the idempotency key it claims (shared/idempotency.ts once());
   *   2. the package it moves, or the quote request then its quotes (compare-and-swap on status);
   *   2½. the listings it books that state a weekly capacity, FOR NO KEY UPDATE, several at once in
   *      id order (ListingService.lockForBooking: their bookings take turns, none passes the capacity);
   *   3. budgets, here, FOR NO KEY UPDATE; several one by one in id order (compareIds: a group
   *      booking prepares its participants sorted so);
   *   3½. a client's care-home lock (a transaction-level advisory lock), taken only by a
   *      direct-payment booking of a care-home place, right after its budget's: that client's
   *      stays take turns (bookings' lockedCareHomeStays, reg. 8);
   *   4. bookings (compare-and-swap on status, or inserted), then their visits;
   *   5. ledger entries, appended by the verbs (commit, release, spend, charge) under the lock of step 3.
   * A budget is read under its lock before anything is computed from it (its totals, its gain
   * policy), and stays locked until commit: nothing can change it between that read and the
   * posting. The verbs take that LockedBudget and never read the row again: the one read is this.
   * Paths that change a booking without money (confirm, approve) lock only the booking; approve and
   * reject first lock the package the booking is an item of, when there is one (step 2: PackageService.lockForApproval).
   * NO KEY UPDATE rather than UPDATE: rows referencing the budget (bookings, ledger entries) hold
   * KEY SHARE on it through their foreign keys, which FOR UPDATE would conflict with.
   */
  async lock(tx: EntityManager, id: string): Promise<LockedBudget | null> {
    const budget = await tx.findOne(BudgetEntity, { where: { id }, lock: { mode: "for_no_key_update" } });
    return budget as LockedBudget | null;
  }

  /** The client of a booking, a package…: who they are and who acts for them (canActFor). */
  findClient(tx: EntityManager, id: string): Promise<ClientView | null> {
    return tx.findOneBy(ClientEntity, { id });
  }

  findClients(tx: EntityManager, ids: string[]): Promise<ClientView[]> {
    return ids.length ? tx.findBy(ClientEntity, { id: In(ids) }) : Promise.resolve([]);
  }

  /** Commits a booking's whole cost and the saving earmarked from it for the funder. */
  commit(tx: EntityManager, budget: LockedBudget, commitment: Commitment, actorUserId: string): Promise<Result<LockedBudget>> {
    const { bookingId } = commitment;
    return this.post(
      tx,
      budget,
      [
        { kind: LedgerKind.COMMITMENT, amountPence: commitment.costPence, bookingId, memo: `${commitment.visits} visit(s)` },
        {
          kind: LedgerKind.COMMITMENT,
          amountPence: commitment.earmarkPence,
          bookingId,
          memo: `saving earmarked for the funder (gain policy ${budget.gainMode})`,
        },
      ],
      actorUserId,
    );
  }

  /** Releases what a booking no longer needs (cancelled, declined, missed). Nothing to release posts nothing. */
  async release(tx: EntityManager, budget: LockedBudget, release: Release, actorUserId: string): Promise<Result<LockedBudget>> {
    if (release.amountPence === 0) return ok(budget);
    return this.post(
      tx,
      budget,
      [{ kind: LedgerKind.RELEASE, amountPence: release.amountPence, bookingId: release.bookingId, memo: release.memo }],
      actorUserId,
    );
  }

  /** A delivered visit: its cost becomes spend and its earmarked saving goes back to the funder. */
  spend(tx: EntityManager, budget: LockedBudget, spend: Spend, actorUserId: string): Promise<Result<LockedBudget>> {
    const { bookingId, memo } = spend;
    return this.post(
      tx,
      budget,
      [
        { kind: LedgerKind.SPEND, amountPence: spend.costPence, bookingId, memo },
        { kind: LedgerKind.RETURN_TO_FUNDER, amountPence: spend.earmarkPence, bookingId, memo: `${memo}: saving returned` },
      ],
      actorUserId,
    );
  }

  /**
   * Delivered spend reversed: a dispute upheld or a commissioner's correction (never an update of
   * the SPEND entry: a REVERSAL entry of its own). The money is available again.
   *
   * On a closed budget (a correction after the year end) the refund joins the surplus, and a surplus
   * that was reclaimed or carried forward is reclaimed by the funder in the same step: the next
   * period's budget was set when this one closed, and changing it needs a decision of its own.
   */
  async reverse(tx: EntityManager, budget: LockedBudget, reversal: Release, actorUserId: string): Promise<Result<LockedBudget>> {
    const { amountPence, bookingId, memo } = reversal;
    const postings: PostingDetail[] = [{ kind: LedgerKind.REVERSAL, amountPence, bookingId, memo }];
    if (budget.status !== BudgetStatus.CLOSED) return this.post(tx, budget, postings, actorUserId);
    if (budget.disposal !== SurplusDisposal.KEEP) {
      postings.push({ kind: LedgerKind.CLAWBACK, amountPence, bookingId, memo: `${memo}: after the period closed, reclaimed by the funder` });
    }
    const posted = await this.post(tx, budget, postings, actorUserId);
    if (!posted.ok) return posted;
    const surplusPence = (budget.surplusPence ?? 0) + amountPence;
    await tx.update(BudgetEntity, { id: budget.id }, { surplusPence });
    return ok({ ...posted.value, surplusPence });
  }

  /**
   * A visit about to be delivered, whose reference (and so saving) changed since it was booked:
   * its earmark follows the change as `earmarkChange` says (shrinks in full, grows only by what is
   * available), with a RELEASE or COMMITMENT entry for the difference. Returns the budget and the
   * earmark the delivery then returns to the funder. Never refused: available cannot go negative.
   */
  async rearmark(tx: EntityManager, budget: LockedBudget, rearmark: Rearmark, actorUserId: string): Promise<{ budget: LockedBudget; earmarkPence: number }> {
    const change = earmarkChange(rearmark.bookedPence, rearmark.wantedPence, availableOf(budget));
    if (change.commitPence === 0 && change.releasePence === 0) return { budget, earmarkPence: change.earmarkPence };
    const { bookingId, memo } = rearmark;
    const posted = await this.post(
      tx,
      budget,
      change.commitPence > 0
        ? [{ kind: LedgerKind.COMMITMENT, amountPence: change.commitPence, bookingId, memo: `${memo}: earmark grows with the rate known at delivery` }]
        : [{ kind: LedgerKind.RELEASE, amountPence: change.releasePence, bookingId, memo: `${memo}: earmark shrinks with the rate known at delivery` }],
      actorUserId,
    );
    if (!posted.ok) throw new Error(`budget ${budget.id}: an earmark capped by available was refused`);
    return { budget: posted.value, earmarkPence: change.earmarkPence };
  }

  /** A charge such as brokerage, paid from the budget's available money. */
  charge(tx: EntityManager, budget: LockedBudget, charge: Charge, actorUserId: string): Promise<Result<LockedBudget>> {
    return this.post(tx, budget, [{ kind: LedgerKind.FEE, amountPence: charge.amountPence, memo: charge.memo }], actorUserId);
  }

  /**
   * A visible budget named together with its client, as creating or planning a package does. A client
   * the viewer may not see reads as not found, like any other id of theirs; only a client the viewer
   * acts for is told the budget is someone else's.
   */
  async findVisibleOf(viewer: Viewer, clientId: string | null, budgetId: string | null): Promise<Result<{ budget: BudgetView; client: ClientView }>> {
    const found = await this.findVisible(viewer, budgetId);
    if (!found) return notFound("The budget", ["budgetId"]);
    if (found.client.id === clientId) return ok(found);
    const client = clientId ? await this.db.manager.findOneBy(ClientEntity, { id: clientId }) : null;
    if (!client || !canActFor(viewer, client)) return notFound("The client", ["clientId"]);
    return fail(UserErrorCode.INVALID_VALUE, "The budget is not this client's.", ["budgetId"]);
  }

  async create(viewer: Viewer, command: CreateBudgetCommand): Promise<Result<BudgetView>> {
    const client = command.clientId ? await this.db.getRepository(ClientEntity).findOneBy({ id: command.clientId }) : null;
    if (!client || !canManage(viewer, client)) return notFound("The client", ["clientId"]);
    const errors = await this.checkPlan(command);
    if (errors.length > 0) return failAll(errors);

    return transactionResult(this.db, (tx) =>
      once<BudgetView>(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "createBudget", input: command },
        async () => {
          const budget = tx.create(BudgetEntity, {
            id: newId(),
            clientId: client.id,
            fundingBodyCode: client.fundingBodyCode,
            kind: command.kind,
            management: command.management,
            periodStart: command.periodStart,
            periodEnd: command.periodEnd,
            coveredCategories: [...new Set(command.coveredCategoryCodes)],
            reviewDueOn: command.reviewDueOn ?? addMonths(command.periodStart, FIRST_REVIEW_MONTHS),
            allocatedPence: 0,
            committedPence: 0,
            spentPence: 0,
            returnedPence: 0,
            reclaimedPence: 0,
            carriedForwardPence: 0,
            status: BudgetStatus.OPEN,
            surplusPence: null,
            disposal: null,
            closedAt: null,
            gainMode: GainMode.RETAIN,
            gainReturnPercent: 0,
            createdAt: this.clock.now(),
          });
          await insertRows(tx, BudgetEntity, [budget]);
          // Inserted by this transaction, so no other can see it, let alone change it, until commit.
          return this.post(
            tx,
            budget as LockedBudget,
            [{ kind: LedgerKind.ALLOCATION, amountPence: command.allocatedPence, memo: "Allocation" }],
            viewer.userId,
          );
        },
        (budget) => budget.id,
        (id) => tx.findOneBy(BudgetEntity, { id }),
      ),
    );
  }

  async topUp(viewer: Viewer, command: TopUpBudgetCommand): Promise<Result<BudgetView>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.lockVisible(tx, viewer, command.budgetId);
      if (!found || !canManage(viewer, found.client)) return notFound("The budget", ["budgetId"]);
      return once<BudgetView>(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "topUpBudget", input: command },
        () => this.post(tx, found.budget, [{ kind: LedgerKind.TOP_UP, amountPence: command.amountPence, memo: command.memo }], viewer.userId),
        (budget) => budget.id,
        (id) => tx.findOneBy(BudgetEntity, { id }),
      );
    });
  }

  /**
   * Sets what happens to savings of bookings made from now on. Under the budget's lock: a booking
   * being made holds it from reading the policy to posting its earmarks, so a change waits for it.
   */
  async setGainPolicy(viewer: Viewer, command: SetGainPolicyCommand): Promise<Result<BudgetView>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.lockVisible(tx, viewer, command.budgetId);
      if (!found || !canManage(viewer, found.client)) return notFound("The budget", ["budgetId"]);
      const percent = returnPercentOf(command.mode, command.returnPercent);
      if (typeof percent === "string") return fail(UserErrorCode.INVALID_VALUE, percent, ["returnPercent"]);
      await tx.update(BudgetEntity, { id: found.budget.id }, { gainMode: command.mode, gainReturnPercent: percent });
      return ok({ ...found.budget, gainMode: command.mode, gainReturnPercent: percent });
    });
  }

  /**
   * Appends entries to a budget's ledger and moves its totals, inside the caller's transaction,
   * from the budget as read under its lock (never read again here). Money that is not there is
   * refused with INSUFFICIENT_BUDGET (and chk_budgets_available guarantees it regardless).
   */
  private async post(tx: EntityManager, budget: LockedBudget, postings: PostingDetail[], actorUserId: string | null): Promise<Result<LockedBudget>> {
    const delta = deltaOf(postings);
    const next = {
      allocatedPence: budget.allocatedPence + delta.allocated,
      committedPence: budget.committedPence + delta.committed,
      spentPence: budget.spentPence + delta.spent,
      returnedPence: budget.returnedPence + delta.returned,
      reclaimedPence: budget.reclaimedPence + delta.reclaimed,
      carriedForwardPence: budget.carriedForwardPence + delta.carriedForward,
    };
    if (budget.status === BudgetStatus.CLOSED && delta.committed > 0) {
      return fail(
        UserErrorCode.BUDGET_CLOSED,
        `The budget's period closed on ${budget.closedAt?.toISOString().slice(0, 10) ?? "an earlier day"}: it takes no new commitments. Book from the next period's budget.`,
        ["budgetId"],
      );
    }
    if (availableOf(next) < 0) {
      const needed = delta.committed + delta.spent + delta.returned - delta.allocated;
      return fail(
        UserErrorCode.INSUFFICIENT_BUDGET,
        `This needs ${formatPounds(needed)} but the budget has ${formatPounds(availableOf(next) + needed)} available. Nothing was committed: book less, or ask the funding body for a top-up.`,
      );
    }
    await tx.query(
      `UPDATE budgets SET allocated_pence = allocated_pence + $2, committed_pence = committed_pence + $3,
         spent_pence = spent_pence + $4, returned_pence = returned_pence + $5,
         reclaimed_pence = reclaimed_pence + $6, carried_forward_pence = carried_forward_pence + $7 WHERE id = $1`,
      [budget.id, delta.allocated, delta.committed, delta.spent, delta.returned, delta.reclaimed, delta.carriedForward],
    );
    const now = this.clock.now();
    await insertRows(
      tx,
      LedgerEntryEntity,
      postings
        .filter((p) => p.amountPence !== 0)
        .map((p) => ({
          id: newId(),
          budgetId: budget.id,
          kind: p.kind,
          amountPence: p.amountPence,
          bookingId: p.bookingId ?? null,
          actorUserId,
          memo: p.memo ?? "",
          occurredAt: now,
        })),
    );
    return ok({ ...budget, ...next });
  }

  /**
   * Closes a budget's period, both budgets locked by the caller (in id order: compareIds): releases
   * what is still committed, fixes the surplus (what is then available) and disposes of it: a
   * CLAWBACK entry (RECLAIM), a CARRY_FORWARD_OUT here and a CARRY_FORWARD_IN on `next`
   * (CARRY_FORWARD), or nothing (KEEP); the part of the surplus not reclaimed or carried stays.
   * Whether the period is over and its visits settled is the caller's to check (settlement knows).
   */
  async close(
    tx: EntityManager,
    budget: LockedBudget,
    close: PeriodClose,
    next: LockedBudget | null,
    actorUserId: string,
  ): Promise<Result<{ budget: LockedBudget; next: LockedBudget | null }>> {
    if (budget.status === BudgetStatus.CLOSED) {
      return fail(UserErrorCode.BUDGET_CLOSED, "This budget's period is already closed: nothing more to do.", ["budgetId"]);
    }
    const carrying = close.disposal === SurplusDisposal.CARRY_FORWARD;
    if (close.disposal === SurplusDisposal.KEEP && close.amountPence !== null) {
      return fail(UserErrorCode.INVALID_VALUE, "KEEP leaves the whole surplus with the person: leave amountPence out.", ["amountPence"]);
    }
    if (carrying !== (next !== null)) {
      return fail(
        UserErrorCode.INVALID_VALUE,
        carrying ? "Name the next period's budget to carry the surplus to." : "Only CARRY_FORWARD names a next budget: leave nextBudgetId out.",
        ["nextBudgetId"],
      );
    }
    if (next) {
      const why =
        next.id === budget.id
          ? "A budget cannot carry its surplus to itself."
          : next.clientId !== budget.clientId
            ? "The next budget must be the same person's."
            : next.status === BudgetStatus.CLOSED
              ? "The next budget's period is closed too: carry to an open one."
              : next.periodStart <= budget.periodEnd
                ? `The next budget must start after this period ends (${budget.periodEnd}).`
                : null;
      if (why) return fail(UserErrorCode.INVALID_VALUE, why, ["nextBudgetId"]);
    }
    const released = await this.release(
      tx,
      budget,
      { bookingId: null, amountPence: budget.committedPence, memo: "Period closed: what was still committed is released" },
      actorUserId,
    );
    if (!released.ok) return released;
    let closed = released.value;
    const surplusPence = availableOf(closed);
    const amountPence = close.disposal === SurplusDisposal.KEEP ? 0 : (close.amountPence ?? surplusPence);
    if (amountPence < 0 || amountPence > surplusPence) {
      return fail(
        UserErrorCode.INVALID_VALUE,
        `The surplus is ${formatPounds(surplusPence)}: give an amount from £0.00 to that, or leave it out for the whole surplus.`,
        ["amountPence"],
      );
    }
    const memo = close.reason.trim() || `Period ${budget.periodStart} to ${budget.periodEnd} closed`;
    let carried: LockedBudget | null = next;
    if (amountPence > 0 && next) {
      const out = await this.post(tx, closed, [{ kind: LedgerKind.CARRY_FORWARD_OUT, amountPence, memo: `${memo}: carried forward` }], actorUserId);
      if (!out.ok) return out;
      const into = await this.post(
        tx,
        next,
        [{ kind: LedgerKind.CARRY_FORWARD_IN, amountPence, memo: `${memo}: carried in from ${budget.periodStart} to ${budget.periodEnd}` }],
        actorUserId,
      );
      if (!into.ok) return into;
      closed = out.value;
      carried = into.value;
    } else if (amountPence > 0) {
      const clawback = await this.post(tx, closed, [{ kind: LedgerKind.CLAWBACK, amountPence, memo: `${memo}: reclaimed by the funder` }], actorUserId);
      if (!clawback.ok) return clawback;
      closed = clawback.value;
    }
    const closedAt = this.clock.now();
    await tx.update(BudgetEntity, { id: budget.id }, { status: BudgetStatus.CLOSED, surplusPence, disposal: close.disposal, closedAt });
    return ok({ budget: { ...closed, status: BudgetStatus.CLOSED, surplusPence, disposal: close.disposal, closedAt }, next: carried });
  }

  private async checkPlan(command: CreateBudgetCommand): Promise<UserErrorData[]> {
    const errors: UserErrorData[] = [];
    if (command.periodEnd < command.periodStart) {
      errors.push({ code: UserErrorCode.INVALID_VALUE, message: "The period ends before it starts.", field: ["periodEnd"] });
    }
    const categories = new Map((await this.reference.listCategories()).map((c) => [c.code, c]));
    command.coveredCategoryCodes.forEach((code, index) => {
      const category = categories.get(code);
      const field = ["coveredCategoryCodes", index];
      if (!category) errors.push({ code: UserErrorCode.NOT_FOUND, message: `No category has code ${code}.`, field });
      else if (!category.allowedFor.includes(command.kind)) {
        errors.push({
          code: UserErrorCode.NOT_ALLOWED_FOR_BUDGET_KIND,
          message:
            `${category.name} cannot be paid for by a ${command.kind === BudgetKind.PERSONAL_HEALTH_BUDGET ? "personal health budget (NHS (Direct Payments) Regulations 2013)" : "personal budget"}.` +
            (category.exclusionNote ? ` ${category.exclusionNote}` : ""),
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
