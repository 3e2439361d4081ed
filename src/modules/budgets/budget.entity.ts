import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { bigintPence } from "../../shared/money";
import { BudgetKind } from "../reference";
import { BudgetManagement, BudgetStatus, GainMode, SurplusDisposal } from "./budget.enums";
import { ClientEntity } from "./client.entity";

/**
 * A personal budget. Its totals are running sums of its ledger, kept on the row so that one
 * conditional UPDATE commits money; the CHECK makes overspending impossible, whatever the code does.
 */
@Entity("budgets")
@Index("idx_budgets_client_id", ["clientId"])
@Index("idx_budgets_funding_body_code_id", ["fundingBodyCode", "id"])
@Index("idx_budgets_funding_body_code_review_due_on_id", ["fundingBodyCode", "reviewDueOn", "id"])
@Check("chk_budgets_available", "allocated_pence - committed_pence - spent_pence - returned_pence - reclaimed_pence - carried_forward_pence >= 0")
@Check(
  "chk_budgets_totals",
  "allocated_pence >= 0 AND committed_pence >= 0 AND spent_pence >= 0 AND returned_pence >= 0 AND reclaimed_pence >= 0 AND carried_forward_pence >= 0",
)
@Check("chk_budgets_closed", "status = 'OPEN' OR (committed_pence = 0 AND surplus_pence IS NOT NULL AND closed_at IS NOT NULL AND disposal IS NOT NULL)")
@Check("chk_budgets_period", "period_end >= period_start")
@Check(
  "chk_budgets_gain_policy",
  "(gain_mode = 'RETAIN' AND gain_return_percent = 0) OR (gain_mode = 'RETURN' AND gain_return_percent = 100) OR (gain_mode = 'SHARE' AND gain_return_percent BETWEEN 1 AND 99)",
)
export class BudgetEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey(() => ClientEntity, { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  clientId!: string;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @Column({ type: "enum", enum: BudgetKind, enumName: "budget_kind" })
  kind!: BudgetKind;

  @Column({ type: "enum", enum: BudgetManagement, enumName: "budget_management" })
  management!: BudgetManagement;

  @Column({ type: "date" })
  periodStart!: string;

  @Column({ type: "date" })
  periodEnd!: string;

  /** The categories of need in the care and support plan: the budget pays for these only. */
  @Column({ type: "varchar", length: 40, array: true })
  coveredCategories!: string[];

  /**
   * Care and Support (Direct Payments) Regulations 2014 reg. 7: within 6 months, then yearly. The
   * next review due: set at creation, then by each review recorded (the latest's nextReviewDueOn).
   */
  @Column({ type: "date" })
  reviewDueOn!: string;

  @Column({ type: "bigint", default: 0, transformer: bigintPence })
  allocatedPence!: number;

  @Column({ type: "bigint", default: 0, transformer: bigintPence })
  committedPence!: number;

  @Column({ type: "bigint", default: 0, transformer: bigintPence })
  spentPence!: number;

  @Column({ type: "bigint", default: 0, transformer: bigintPence })
  returnedPence!: number;

  /** Applies to bookings made from now on; earmarks already made stay as they are. */
  @Column({ type: "enum", enum: GainMode, enumName: "gain_mode", default: GainMode.RETAIN })
  gainMode!: GainMode;

  /** The share of each saving returned to the funder: 0 (RETAIN), 100 (RETURN), 1–99 (SHARE). */
  @Column({ type: "smallint", default: 0 })
  gainReturnPercent!: number;

  /** Closed: a closed budget takes no new commitments (chk_budgets_closed: nothing committed). */
  @Column({ type: "enum", enum: BudgetStatus, enumName: "budget_status", default: BudgetStatus.OPEN })
  status!: BudgetStatus;

  /** Fixed at close: what was available once every commitment was released. */
  @Column({ type: "bigint", nullable: true, transformer: bigintPence })
  surplusPence!: number | null;

  /** Repaid to the funder (CLAWBACK entries). */
  @Column({ type: "bigint", default: 0, transformer: bigintPence })
  reclaimedPence!: number;

  /** Moved to the next period's budget (CARRY_FORWARD_OUT entries). */
  @Column({ type: "bigint", default: 0, transformer: bigintPence })
  carriedForwardPence!: number;

  @Column({ type: "enum", enum: SurplusDisposal, enumName: "surplus_disposal", nullable: true })
  disposal!: SurplusDisposal | null;

  @Column({ type: "timestamptz", nullable: true })
  closedAt!: Date | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
