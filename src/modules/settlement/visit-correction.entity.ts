import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";

/**
 * A commissioner's correction of a confirmed visit (typically one already paid): a reversing
 * ledger entry, and a negative line on the provider's next statement.
 */
@Entity("visit_corrections")
@Index("idx_visit_corrections_visit_id", ["visitId"])
@Check("chk_visit_corrections_amount", "units > 0 AND amount_pence > 0")
export class VisitCorrectionEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** Only a confirmed visit is corrected: the key points at its confirmation, which points at the visit. */
  @ForeignKey("visit_confirmations", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  visitId!: string;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  units!: number;

  /** What is taken back, in pence (positive; the statement line shows it negative). */
  @Column({ type: "integer" })
  amountPence!: number;

  @Column({ type: "varchar", length: 1000 })
  reason!: string;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  byUserId!: string;

  @Column({ type: "timestamptz" })
  at!: Date;
}
