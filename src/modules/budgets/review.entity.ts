import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { ReviewOutcome } from "./budget.enums";
import { BudgetEntity } from "./budget.entity";

/**
 * A council's review of a budget (reg. 7). Append-only (a trigger refuses UPDATE and DELETE): a
 * changed view is a new review. Carries the budget's funding body so lists by funding body need no join.
 */
@Entity("budget_reviews")
@Index("idx_budget_reviews_budget_id_id", ["budgetId", "id"])
@Check("chk_budget_reviews_next", "next_review_due_on >= reviewed_on")
export class BudgetReviewEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey(() => BudgetEntity, { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  budgetId!: string;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @Column({ type: "date" })
  reviewedOn!: string;

  @Column({ type: "enum", enum: ReviewOutcome, enumName: "budget_review_outcome" })
  outcome!: ReviewOutcome;

  @Column({ type: "varchar", length: 2000 })
  notes!: string;

  @Column({ type: "date" })
  nextReviewDueOn!: string;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  recordedByUserId!: string;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
