/**
 * Budget reviews (DOMAIN.md rule 7; Care and Support (Direct Payments) Regulations 2014 reg. 7):
 * the first within six months of the budget's start, then at least every twelve. Each review is
 * appended to budget_reviews; the budget's reviewDueOn becomes the latest review's nextReviewDueOn,
 * so "overdue" is one indexed comparison for a budget, a list and the report alike.
 */
import { type DataSource, type EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { keysetPage, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import { addMonths, londonDate, type Clock } from "../../shared/time";
import { BudgetEntity } from "./budget.entity";
import { BudgetStatus, type ReviewOutcome } from "./budget.enums";
import type { BudgetService } from "./budget.service";
import { canManage } from "./client.rules";
import { BudgetReviewEntity } from "./review.entity";
import { MAX_REVIEW_NOTES, REVIEW_INTERVAL_MONTHS } from "./review.rules";

export interface RecordReviewCommand {
  budgetId: string | null;
  reviewedOn: string;
  outcome: ReviewOutcome;
  notes: string;
  nextReviewDueOn: string | null;
  idempotencyKey: string;
}

/** Most overdue first. */
const DUE_FIRST: Keyset<BudgetEntity> = {
  name: "OVERDUE_REVIEWS",
  keys: [
    { sql: "b.review_due_on", cast: "date", of: (b) => b.reviewDueOn },
    { sql: "b.id", cast: "uuid", of: (b) => b.id },
  ],
  direction: "ASC",
};

export class ReviewService {
  constructor(
    private readonly db: DataSource,
    private readonly budgets: BudgetService,
    private readonly clock: Clock,
  ) {}

  /** The budget's funding body's commissioners (and admins) record reviews; idempotent. */
  async record(viewer: Viewer, command: RecordReviewCommand): Promise<Result<BudgetReviewEntity>> {
    return transactionResult(this.db, async (tx) => {
      const found = await this.budgets.lockVisible(tx, viewer, command.budgetId);
      if (!found || !canManage(viewer, found.client)) return notFound("The budget", ["budgetId"]);
      const nextReviewDueOn = command.nextReviewDueOn ?? addMonths(command.reviewedOn, REVIEW_INTERVAL_MONTHS);
      const errors = this.check(command, nextReviewDueOn);
      if (errors.length) return failAll(errors);
      return once<BudgetReviewEntity>(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "recordBudgetReview", input: command },
        () => this.append(tx, found.budget, { ...command, nextReviewDueOn }, viewer.userId),
        (review) => review.id,
        (id) => tx.findOneBy(BudgetReviewEntity, { id }),
      );
    });
  }

  /** Open budgets of the funding body whose review is overdue today, most overdue first. */
  overdue(fundingBodyCode: string, page: PageRequest): Promise<Connection<BudgetEntity>> {
    const query = this.db
      .getRepository(BudgetEntity)
      .createQueryBuilder("b")
      .where("b.funding_body_code = :fundingBodyCode", { fundingBodyCode })
      .andWhere("b.status = :open", { open: BudgetStatus.OPEN })
      .andWhere("b.review_due_on < :today", { today: this.today() });
    return keysetPage(query, DUE_FIRST, page);
  }

  /** How many open budgets of the funding body, with a period meeting [from, to], are overdue for review today. */
  async countOverdue(fundingBodyCode: string, from: string, to: string): Promise<number> {
    const [row]: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM budgets b
       WHERE b.funding_body_code = $1 AND b.status = $2 AND b.review_due_on < $3 AND b.period_start <= $5 AND b.period_end >= $4`,
      [fundingBodyCode, BudgetStatus.OPEN, this.today(), from, to],
    );
    return Number(row.n);
  }

  /** A review visible to the viewer: one of a budget they may see. */
  async findVisible(viewer: Viewer | null, id: string): Promise<BudgetReviewEntity | null> {
    const review = await this.db.getRepository(BudgetReviewEntity).findOneBy({ id });
    return review && (await this.budgets.findVisible(viewer, review.budgetId)) ? review : null;
  }

  today(): string {
    return londonDate(this.clock.now());
  }

  private check(command: RecordReviewCommand, nextReviewDueOn: string): UserErrorData[] {
    const errors: UserErrorData[] = [];
    if (command.reviewedOn > this.today()) {
      errors.push({
        code: UserErrorCode.INVALID_VALUE,
        message: "A review is recorded once it has taken place: give today or an earlier day.",
        field: ["reviewedOn"],
      });
    }
    if (nextReviewDueOn < command.reviewedOn) {
      errors.push({
        code: UserErrorCode.INVALID_VALUE,
        message: "The next review cannot be due before this one: give a later day.",
        field: ["nextReviewDueOn"],
      });
    }
    if (command.notes.length > MAX_REVIEW_NOTES) {
      errors.push({ code: UserErrorCode.INVALID_VALUE, message: `Notes are at most ${MAX_REVIEW_NOTES} characters: shorten them.`, field: ["notes"] });
    }
    return errors;
  }

  /** Under the budget's lock: a review older than the latest one recorded leaves the due date as it is. */
  private async append(tx: EntityManager, budget: BudgetEntity, command: RecordReviewCommand & { nextReviewDueOn: string }, actorUserId: string) {
    const review = tx.create(BudgetReviewEntity, {
      id: newId(),
      budgetId: budget.id,
      fundingBodyCode: budget.fundingBodyCode,
      reviewedOn: command.reviewedOn,
      outcome: command.outcome,
      notes: command.notes,
      nextReviewDueOn: command.nextReviewDueOn,
      recordedByUserId: actorUserId,
    });
    const later = await tx
      .createQueryBuilder(BudgetReviewEntity, "r")
      .where("r.budget_id = :id AND r.reviewed_on > :on", { id: budget.id, on: command.reviewedOn })
      .getExists();
    await tx.insert(BudgetReviewEntity, review);
    if (!later) await tx.update(BudgetEntity, { id: budget.id }, { reviewDueOn: command.nextReviewDueOn });
    return ok(review);
  }
}
