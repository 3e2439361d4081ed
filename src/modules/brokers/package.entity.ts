import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";
import { PayeeRelationship } from "../bookings";
import { BrokerageChargedTo } from "../reference";
import { PackageStatus } from "./package.enums";

/** A broker's arrangement of several services for one client and budget, agreed all at once. */
@Entity("packages")
@Index("idx_packages_client_id_id", ["clientId", "id"])
// Reports sum the brokerage of a funding body's packages agreed in a period.
@Index("idx_packages_funding_body_agreed", ["fundingBodyCode", "agreedAt"])
@Check("chk_packages_brokerage", "brokerage_minutes >= 0 AND brokerage_fee_pence >= 0")
export class PackageEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("clients", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  clientId!: string;

  @ForeignKey("budgets", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  budgetId!: string;

  /** The budget's funding body: who pays for brokerage, and whose reports count it. */
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  /** The broker who arranges it. */
  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  brokerUserId!: string;

  @Column({ type: "enum", enum: PackageStatus, enumName: "package_status", default: PackageStatus.DRAFT })
  status!: PackageStatus;

  /** Broker time spent on it, for funding bodies that pay brokerage by the hour. */
  @Column({ type: "integer", default: 0 })
  brokerageMinutes!: number;

  /** Fixed when agreed, from the funding body's brokerage terms. */
  @Column({ type: "integer", default: 0 })
  brokerageFeePence!: number;

  @Column({ type: "enum", enum: BrokerageChargedTo, enumName: "brokerage_charged_to", nullable: true })
  brokerageChargedTo!: BrokerageChargedTo | null;

  @Column({ type: "timestamptz", nullable: true })
  agreedAt!: Date | null;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  agreedByUserId!: string | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}

/**
 * One service of a package. Its figures are the estimate made when it was added; agreeing the
 * package books it for real (prices and rules as they are then).
 */
@Entity("package_items")
@Index("idx_package_items_package_id", ["packageId", "position"])
export class PackageItemEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey(() => PackageEntity, { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  packageId!: string;

  @Column({ type: "smallint" })
  position!: number;

  @ForeignKey("listings", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  listingId!: string;

  @Column({ type: "timestamptz" })
  startsAt!: Date;

  @Column({ type: "varchar", length: 500, nullable: true })
  recurrence!: string | null;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  unitsPerVisit!: number;

  /** No visits after this day; the budget period's end by default. */
  @Column({ type: "date", nullable: true })
  endsOn!: string | null;

  @Column({ type: "enum", enum: PayeeRelationship, enumName: "payee_relationship", default: PayeeRelationship.NONE })
  payeeRelationship!: PayeeRelationship;

  @Column({ type: "integer" })
  visitCount!: number;

  @Column({ type: "integer" })
  costPence!: number;

  /** Null: no reference rate for any of its visits. */
  @Column({ type: "integer", nullable: true })
  referenceCostPence!: number | null;

  /** Savings the gain policy would earmark (committed with the cost). */
  @Column({ type: "integer", default: 0 })
  earmarkPence!: number;

  /** The booking made when the package was agreed. */
  @ForeignKey("bookings", { onDelete: "RESTRICT" })
  @Column({ type: "uuid", nullable: true })
  bookingId!: string | null;

  /** Taken out of the draft (items are not deleted). */
  @Column({ type: "timestamptz", nullable: true })
  removedAt!: Date | null;
}
