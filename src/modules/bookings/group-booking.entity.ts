import { Column, Entity, ForeignKey, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";
import { GroupSplit } from "./booking.enums";

/**
 * One session (or a recurrence of them) delivered to several care-home residents together. Each
 * participant's share is a booking of their own, paid from their own budget.
 */
@Entity("group_bookings")
export class GroupBookingEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("listings", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  listingId!: string;

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  /** Where the session happens: a provider of kind CARE_HOME. */
  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  careHomeId!: string;

  // The Schedule, embedded flat (schedule.rules.ts groupSchedule / sessionColumns): its units are one session's.
  @Column({ type: "timestamptz" })
  startsAt!: Date;

  @Column({ type: "varchar", length: 500, nullable: true })
  recurrence!: string | null;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  unitsPerSession!: number;

  @Column({ type: "enum", enum: GroupSplit, enumName: "group_split" })
  split!: GroupSplit;

  /** What one session costs, shared between the participants to the penny. */
  @Column({ type: "integer" })
  sessionPricePence!: number;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  createdByUserId!: string;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
