import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";
import { ApprovalDecision, ApprovalReason, BookingStatus, PayeeRelationship } from "./booking.enums";
import type { Schedule } from "./schedule.rules";

/**
 * A client's booking of a listing, paid from one budget: one visit or a recurrence of them.
 * Its price is fixed when booked; its status changes only by compare-and-swap (booking.rules.ts).
 */
@Entity("bookings")
@Check("chk_bookings_group_share", "(group_booking_id IS NULL) = (group_share_pence IS NULL) AND coalesce(group_share_pence, 0) >= 0")
@Index("idx_bookings_provider_id_id", ["providerId", "id"])
@Index("idx_bookings_client_id_id", ["clientId", "id"])
@Index("idx_bookings_funding_body_code_id", ["fundingBodyCode", "id"])
@Index("idx_bookings_budget_id", ["budgetId"])
export class BookingEntity implements Schedule {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("clients", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  clientId!: string;

  @ForeignKey("budgets", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  budgetId!: string;

  /** The budget's funding body, kept here for scoping and reports. */
  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @ForeignKey("listings", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  listingId!: string;

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  /** The accepted quote this booking came from. */
  @ForeignKey("quotes", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  quoteId!: string | null;

  /** The group session this booking is one participant's share of. */
  @ForeignKey("group_bookings", { onDelete: "RESTRICT" })
  @Index("idx_bookings_group_booking_id")
  @Column({ type: "uuid", nullable: true })
  groupBookingId!: string | null;

  /** This participant's share of one group session (its visits cost this, not units × price). */
  @Column({ type: "integer", nullable: true })
  groupSharePence!: number | null;

  @Column({ type: "enum", enum: BookingStatus, enumName: "booking_status" })
  status!: BookingStatus;

  // The Schedule, embedded flat: starts_at, recurrence, units_per_visit.
  /** The first visit. */
  @Column({ type: "timestamptz" })
  startsAt!: Date;

  /** RFC 5545 RRULE in Europe/London wall-clock time; null for a one-off visit. */
  @Column({ type: "varchar", length: 500, nullable: true })
  recurrence!: string | null;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  unitsPerVisit!: number;

  /** The agreed price of one unit, fixed at booking. */
  @Column({ type: "integer" })
  unitPricePence!: number;

  @Column({ type: "enum", enum: PayeeRelationship, enumName: "payee_relationship", default: PayeeRelationship.NONE })
  payeeRelationship!: PayeeRelationship;

  /**
   * What the provider declared, when it confirmed, of who its worker (the payee) is to the client
   * (reg. 3); null until it confirms. payeeRelationship is the closer of the two declarations.
   */
  @Column({ type: "enum", enum: PayeeRelationship, enumName: "payee_relationship", nullable: true })
  payeeDeclaredByProvider!: PayeeRelationship | null;

  @Column({ type: "enum", enum: ApprovalReason, enumName: "approval_reason", array: true, default: () => "'{}'" })
  approvalReasons!: ApprovalReason[];

  @Column({ type: "enum", enum: ApprovalDecision, enumName: "approval_decision", nullable: true })
  approvalDecision!: ApprovalDecision | null;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  approvalDecidedBy!: string | null;

  @Column({ type: "timestamptz", nullable: true })
  approvalDecidedAt!: Date | null;

  @Column({ type: "varchar", length: 500, default: "" })
  approvalNote!: string;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  createdByUserId!: string;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
