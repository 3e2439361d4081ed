import { Check, Column, Entity, ForeignKey, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";
import { ConfirmationStatus } from "./settlement.enums";

/**
 * The answer to a delivered visit: confirmed, disputed, then resolved. One row per visit (its
 * primary key), so a confirmation and a dispute racing each other cannot both win; no row means
 * the visit is still AWAITING.
 */
@Entity("visit_confirmations")
@Check("chk_visit_confirmations_status", "status <> 'AWAITING'")
@Check(
  "chk_visit_confirmations_upheld",
  "upheld_units >= 0 AND upheld_pence >= 0 AND (status = 'UPHELD' OR (upheld_units = 0 AND upheld_pence = 0)) AND (status <> 'UPHELD' OR upheld_units > 0)",
)
@Check("chk_visit_confirmations_resolved", "(status IN ('UPHELD', 'REJECTED')) = (resolved_at IS NOT NULL)")
@ForeignKey("visits", ["visitId", "visitStartsAt"], ["id", "startsAt"], { onDelete: "RESTRICT" })
export class VisitConfirmationEntity {
  @PrimaryColumn({ type: "uuid" })
  visitId!: string;

  /** The visit's start, which with its id is the key of the (partitioned) visits. */
  @Column({ type: "timestamptz" })
  visitStartsAt!: Date;

  @Column({ type: "enum", enum: ConfirmationStatus, enumName: "confirmation_status" })
  status!: ConfirmationStatus;

  /** Who confirmed or disputed it; null: confirmed by the window. */
  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  byUserId!: string | null;

  @Column({ type: "timestamptz" })
  at!: Date;

  /** The dispute's reason. */
  @Column({ type: "varchar", length: 1000, default: "" })
  reason!: string;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  resolvedByUserId!: string | null;

  @Column({ type: "timestamptz", nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: "varchar", length: 1000, default: "" })
  resolutionNote!: string;

  /** Units the upheld dispute reversed, and their cost (reversed in the ledger). */
  @Column({ type: "numeric", precision: 8, scale: 2, default: 0, transformer: numericQuantity })
  upheldUnits!: number;

  @Column({ type: "integer", default: 0 })
  upheldPence!: number;
}
