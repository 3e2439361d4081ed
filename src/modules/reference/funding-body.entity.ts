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
}
