import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";
import { ReferenceBasis } from "../pricing";
import { VisitStatus } from "./booking.enums";

/**
 * One delivery of a booking, with its cost. Partitioned by London month of `starts_at`, which is
 * therefore in the key (migration MonthlyPartitions) and never changes. A personal assistant is
 * one person: the exclusion constraint on `visit_slots`, kept by a trigger in the same statement,
 * makes two of their active visits that overlap in time impossible (SLOT_TAKEN).
 */
@Entity("visits")
@Index("idx_visits_booking_id_starts_at", ["bookingId", "startsAt", "id"])
@Check("chk_visits_interval", "ends_at > starts_at")
@Check("chk_visits_cost", "cost_pence >= 0 AND units > 0 AND earmark_pence >= 0")
@Check("chk_visits_shift", "ended_at > started_at OR (started_at IS NULL AND ended_at IS NULL)")
@Index("idx_visits_delivered_starts_at", { synchronize: false }) // (starts_at) WHERE status = 'DELIVERED', for reports
@Index("idx_visits_delivered_recorded_at", { synchronize: false }) // (recorded_at) WHERE status = 'DELIVERED', for auto-confirmation
export class VisitEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("bookings", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  bookingId!: string;

  /** The booking's provider, here for the exclusion constraint. */
  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  /** The provider is a single person (a personal assistant): their visits may not overlap. */
  @Column({ type: "boolean" })
  singlePerson!: boolean;

  @PrimaryColumn({ type: "timestamptz" })
  startsAt!: Date;

  @Column({ type: "timestamptz" })
  endsAt!: Date;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  units!: number;

  /** units × the booking's unit price, in pence. */
  @Column({ type: "integer" })
  costPence!: number;

  /** The funding body's rate in force on the visit's day, when it has one: the snapshot of the comparison. */
  @ForeignKey("reference_rates", { onDelete: "RESTRICT" })
  @Index("idx_visits_reference_rate_id")
  @Column({ type: "uuid", nullable: true })
  referenceRateId!: string | null;

  /** Whether that rate is the one published for the visit's rate type or the STANDARD fallback; null without a reference. */
  @Column({ type: "enum", enum: ReferenceBasis, enumName: "reference_basis", nullable: true })
  referenceBasis!: ReferenceBasis | null;

  /** units × that rate (per unit); null: no reference, counted apart in reports. */
  @Column({ type: "integer", nullable: true })
  referenceCostPence!: number | null;

  /** The part of the saving earmarked for the funder under the budget's gain policy (committed with the cost). */
  @Column({ type: "integer", default: 0 })
  earmarkPence!: number;

  /** The unit price is below the minimum price in force that day: a sustainability risk. */
  @Column({ type: "boolean", default: false })
  belowMinimumPrice!: boolean;

  @Column({ type: "enum", enum: VisitStatus, enumName: "visit_status", default: VisitStatus.SCHEDULED })
  status!: VisitStatus;

  @Column({ type: "timestamptz", nullable: true })
  recordedAt!: Date | null;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  recordedByUserId!: string | null;

  /** The shift record of a delivered visit: when it actually started and ended (null until recorded). */
  @Column({ type: "timestamptz", nullable: true })
  startedAt!: Date | null;

  @Column({ type: "timestamptz", nullable: true })
  endedAt!: Date | null;

  /** The provider's shift note. */
  @Column({ type: "varchar", length: 2000, default: "" })
  note!: string;

  /** The units booked, when delivery recorded others (units and costPence are then what was delivered). */
  @Column({ type: "numeric", precision: 8, scale: 2, nullable: true, transformer: numericQuantity })
  bookedUnits!: number | null;
}
