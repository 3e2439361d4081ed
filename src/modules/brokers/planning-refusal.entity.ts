import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { UnmetReason } from "./plan.enums";

/**
 * A need the planner found no supply for (NO_PROVIDER or NO_CAPACITY), kept so that a council can
 * see where its market fails (Care Act 2014 s.5; reports' marketGaps). Append-only.
 */
@Entity("planning_refusals")
// marketGaps reads a funding body's refusals in a period.
@Index("idx_planning_refusals_funding_body_refused", ["fundingBodyCode", "refusedAt"])
export class PlanningRefusalEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("clients", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  clientId!: string;

  /** The budget's funding body. */
  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @ForeignKey("service_categories", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 40 })
  categoryCode!: string;

  /** The client's, when planned. */
  @Column({ type: "varchar", length: 4 })
  postcodeDistrict!: string;

  @Column({ type: "enum", enum: UnmetReason, enumName: "unmet_reason" })
  reason!: UnmetReason;

  @Column({ type: "timestamptz" })
  refusedAt!: Date;
}
