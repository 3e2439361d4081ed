import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { bigintPence } from "../../shared/money";
import { PaymentRunStatus } from "./settlement.enums";

/** One payment run of a funding body: every confirmed, unpaid visit up to a day, one statement per provider (and payer). */
@Entity("payment_runs")
@Index("idx_payment_runs_funding_body_code_id", ["fundingBodyCode", "id"])
@Check("chk_payment_runs_paid", "(status = 'PAID') = (paid_on IS NOT NULL)")
export class PaymentRunEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  /** The last London day of delivery it covers. */
  @Column({ type: "date" })
  upTo!: string;

  @Column({ type: "enum", enum: PaymentRunStatus, enumName: "payment_run_status", default: PaymentRunStatus.DRAFT })
  status!: PaymentRunStatus;

  /** Every statement's total, whoever pays it. */
  @Column({ type: "bigint", transformer: bigintPence })
  totalPence!: number;

  /** The part the funding body pays (statements payable by holders of direct payments left out). */
  @Column({ type: "bigint", transformer: bigintPence })
  fundingBodyPence!: number;

  @Column({ type: "integer" })
  statementCount!: number;

  @Column({ type: "integer" })
  lineCount!: number;

  @Column({ type: "date", nullable: true })
  paidOn!: string | null;

  /** The finance system's payment reference. */
  @Column({ type: "varchar", length: 140, nullable: true })
  reference!: string | null;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  createdByUserId!: string;

  @Column({ type: "timestamptz" })
  createdAt!: Date;
}
