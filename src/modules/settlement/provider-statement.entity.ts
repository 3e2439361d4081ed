import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { bigintPence } from "../../shared/money";
import { StatementPayer, StatementStatus } from "./settlement.enums";

/** What a payment run owes one provider, from one payer: the funding body, or the holder of a direct payment. */
@Entity("provider_statements")
@Index("idx_provider_statements_payment_run_id_id", ["paymentRunId", "id"])
@Index("idx_provider_statements_provider_id_id", ["providerId", "id"])
@Index("idx_provider_statements_funding_body_code_id", ["fundingBodyCode", "id"])
@Check("chk_provider_statements_payer", "(payer = 'BUDGET_HOLDER') = (holder_client_id IS NOT NULL)")
export class ProviderStatementEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("payment_runs", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  paymentRunId!: string;

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @Column({ type: "enum", enum: StatementPayer, enumName: "statement_payer" })
  payer!: StatementPayer;

  /** The direct-payment holder who pays this statement; null: the funding body pays. */
  @ForeignKey("clients", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  holderClientId!: string | null;

  @Column({ type: "date" })
  periodStart!: string;

  @Column({ type: "date" })
  periodEnd!: string;

  @Column({ type: "enum", enum: StatementStatus, enumName: "statement_status", default: StatementStatus.ISSUED })
  status!: StatementStatus;

  @Column({ type: "bigint", transformer: bigintPence })
  totalPence!: number;

  @Column({ type: "integer" })
  lineCount!: number;
}
