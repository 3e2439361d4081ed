import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { bigintPence } from "../../shared/money";
import { LedgerKind } from "./budget.enums";
import { BudgetEntity } from "./budget.entity";

/**
 * One movement of a budget's money. Append-only: a database trigger refuses UPDATE and DELETE;
 * mistakes are corrected by reversing entries. What each kind does to the totals: ledger.rules.ts.
 * Partitioned by London month of `occurred_at`, which is therefore in the key (migration MonthlyPartitions).
 */
@Entity("ledger_entries")
@Index("idx_ledger_entries_budget_id_id", ["budgetId", "id"])
@Check("chk_ledger_entries_amount_positive", "amount_pence > 0")
export class LedgerEntryEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey(() => BudgetEntity, { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  budgetId!: string;

  @Column({ type: "enum", enum: LedgerKind, enumName: "ledger_kind" })
  kind!: LedgerKind;

  @Column({ type: "bigint", transformer: bigintPence })
  amountPence!: number;

  @ForeignKey("bookings", { onDelete: "RESTRICT" })
  @Index("idx_ledger_entries_booking_id")
  @Column({ type: "uuid", nullable: true })
  bookingId!: string | null;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  actorUserId!: string | null;

  @Column({ type: "varchar", length: 500, default: "" })
  memo!: string;

  @PrimaryColumn({ type: "timestamptz", default: () => "now()" })
  occurredAt!: Date;
}
