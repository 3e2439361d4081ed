import { Column, Entity, PrimaryColumn } from "typeorm";
import { FundingBodyKind } from "./reference.enums";

/** A council or an NHS integrated care board, keyed by its ONS/ODS code. */
@Entity("funding_bodies")
export class FundingBodyEntity {
  @PrimaryColumn({ type: "varchar", length: 9 })
  code!: string;

  @Column({ type: "varchar", length: 120 })
  name!: string;

  @Column({ type: "enum", enum: FundingBodyKind, enumName: "funding_body_kind" })
  kind!: FundingBodyKind;

  /** A life-improving booking costing more than this needs a commissioner's approval; null: never. */
  @Column({ type: "integer", nullable: true, default: 50_000 })
  lifeImprovingApprovalThresholdPence!: number | null;
}
