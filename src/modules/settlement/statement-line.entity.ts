import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from "typeorm";
import { numericQuantity } from "../../shared/money";

/**
 * One line of a statement: a confirmed visit (its amount net of an upheld dispute), or a
 * correction of one (negative). A visit is on one statement at most, ever: the unique constraint
 * holds that whatever the code does, under concurrent payment runs too.
 */
@Entity("statement_lines")
@Unique("uq_statement_lines_visit_id", ["visitId"])
// Partial: most lines are visits' (no correction), and a run inserts them all at once.
@Index("uq_statement_lines_correction_id", ["correctionId"], { unique: true, where: "correction_id IS NOT NULL" })
@Index("idx_statement_lines_statement_id", ["statementId", "deliveredOn", "id"])
@Index("idx_statement_lines_subject_visit_id", ["subjectVisitId"])
@Check("chk_statement_lines_source", "(visit_id IS NULL) <> (correction_id IS NULL)")
@Check("chk_statement_lines_visit_subject", "visit_id IS NULL OR visit_id = subject_visit_id")
export class StatementLineEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("provider_statements", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  statementId!: string;

  /**
   * The visit this line pays; null on a correction's line. No foreign key of its own: it equals
   * subject_visit_id (a CHECK), whose key holds it, and a payment run inserts 100,000 lines at once.
   */
  @Column({ type: "uuid", nullable: true })
  visitId!: string | null;

  @ForeignKey("visit_corrections", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  correctionId!: string | null;

  /**
   * The visit the line is about (also a correction's): always a confirmed one, so the key points at
   * its confirmation (one unpartitioned row per visit), which points at the visit by its whole key.
   */
  @ForeignKey("visit_confirmations", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  subjectVisitId!: string;

  /** The client's initials only: a statement leaves the council's systems. */
  @Column({ type: "varchar", length: 12 })
  clientInitials!: string;

  /** The London day of the visit. */
  @Column({ type: "date" })
  deliveredOn!: string;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  units!: number;

  @Column({ type: "integer" })
  unitPricePence!: number;

  /** Signed: a correction's line is negative. */
  @Column({ type: "integer" })
  amountPence!: number;
}
