import { Check, Column, Entity, Exclusion, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { RateType, Unit } from "../reference";
import { SourceKind } from "./pricing.enums";

/**
 * What a funding body pays, or would pay, for a unit of a category: one effective-dated version.
 * Versions are never overwritten (a new one closes the open one), and two versions of the same
 * yardstick cannot be in force on the same day: the exclusion constraint refuses it.
 */
@Entity("reference_rates")
@Index("idx_reference_rates_lookup", ["fundingBodyCode", "categoryCode", "unit", "rateType", "validFrom"])
@Exclusion(
  "excl_reference_rates_overlap",
  `USING gist ("funding_body_code" WITH =, "category_code" WITH =, "unit" WITH =, (coalesce("visit_minutes", 0)) WITH =, "rate_type" WITH =, "source_kind" WITH =, daterange("valid_from", "valid_to", '[]') WITH &&)`,
)
@Check("chk_reference_rates_positive", "rate_pence > 0")
@Check("chk_reference_rates_validity", "valid_to IS NULL OR valid_to >= valid_from")
@Check("chk_reference_rates_visit_minutes", "(unit = 'VISIT') = (visit_minutes IS NOT NULL)")
export class ReferenceRateEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @ForeignKey("service_categories", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 40 })
  categoryCode!: string;

  @Column({ type: "enum", enum: Unit, enumName: "unit" })
  unit!: Unit;

  /** The length of the visit this rate prices (VISIT only: 30- and 45-minute rates differ). */
  @Column({ type: "smallint", nullable: true })
  visitMinutes!: number | null;

  @Column({ type: "enum", enum: RateType, enumName: "rate_type" })
  rateType!: RateType;

  @Column({ type: "integer" })
  ratePence!: number;

  @Column({ type: "date" })
  validFrom!: string;

  /** Inclusive; null: until a new version closes it. */
  @Column({ type: "date", nullable: true })
  validTo!: string | null;

  @Column({ type: "enum", enum: SourceKind, enumName: "reference_source_kind" })
  sourceKind!: SourceKind;

  /** Where the figure was published. */
  @Column({ type: "varchar", length: 500 })
  source!: string;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  createdByUserId!: string | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
