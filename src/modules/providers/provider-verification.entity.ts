import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { VerificationCheck } from "./provider.enums";

/**
 * A verification of a provider: who checked what, and when. Append-only; the provider's `verified`
 * flag (the one condition that shows its listings to others) is set in the same transaction.
 */
@Entity("provider_verifications")
@Index("idx_provider_verifications_provider_id_verified_at", ["providerId", "verifiedAt"])
export class ProviderVerificationEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  @Column({ type: "timestamptz" })
  verifiedAt!: Date;

  /** Null for providers listed before verification was required (backfilled). */
  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  verifiedByUserId!: string | null;

  @Column({ type: "enum", enum: VerificationCheck, enumName: "verification_check", array: true })
  checks!: VerificationCheck[];

  @Column({ type: "text", default: "" })
  note!: string;
}
