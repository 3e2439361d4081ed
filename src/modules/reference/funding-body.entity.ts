import { Check, Column, Entity, PrimaryColumn } from "typeorm";
import { BrokerageChargedTo, BrokerageMode, FundingBodyKind } from "./reference.enums";

/** A council or an NHS integrated care board, keyed by its ONS/ODS code. */
@Entity("funding_bodies")
@Check("chk_funding_bodies_evening_from_hour", "evening_from_hour BETWEEN 12 AND 23")
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

  @Column({ type: "enum", enum: BrokerageMode, enumName: "brokerage_mode", default: BrokerageMode.NONE })
  brokerageMode!: BrokerageMode;

  /** Per package, or per hour of broker time. */
  @Column({ type: "integer", default: 0 })
  brokerageFeePence!: number;

  @Column({ type: "enum", enum: BrokerageChargedTo, enumName: "brokerage_charged_to", default: BrokerageChargedTo.FUNDING_BODY })
  brokerageChargedTo!: BrokerageChargedTo;

  /** EVENING visits start at or after this London hour (time-band.rules). */
  @Column({ type: "smallint", default: 18 })
  eveningFromHour!: number;

  /**
   * Where it publishes no rate for a rate type (EVENING, WEEKEND…), prices of that type are compared
   * with its STANDARD rate for the category and unit (basis FALLBACK_STANDARD); false: no reference.
   */
  @Column({ type: "boolean", default: true })
  referenceFallback!: boolean;
}
