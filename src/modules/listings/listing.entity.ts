import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { numericQuantity } from "../../shared/money";
import { RateType, Unit, Weekday } from "../reference";
import { ListingSetting } from "./listing.enums";

/**
 * A service a provider offers at a price per unit (Open Referral "service" + "cost_option").
 * Search indexes are partial (active listings only) and hand-written in the migrations.
 */
@Entity("listings")
@Index("idx_listings_active_price", { synchronize: false }) // (price_pence, id) WHERE active
@Index("idx_listings_active_category_price", { synchronize: false }) // (category_code, price_pence, id) WHERE active
@Index("idx_listings_search", { synchronize: false }) // GIN full-text over title and description
@Index("idx_listings_feed", { synchronize: false }) // (provider_id, id) INCLUDE (category_code) WHERE active: the Open Referral feed
@Index("idx_listings_provider_id_id", ["providerId", "id"]) // a provider's listings, newest first
@Check("chk_listings_price_positive", "price_pence > 0")
@Check("chk_listings_group_capacity", "group_capacity BETWEEN 1 AND 100")
@Check(
  "chk_listings_available_hours",
  "available_from < available_to AND available_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND available_to ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'",
)
@Check("chk_listings_visit_minutes", "(unit <> 'VISIT' OR visit_minutes IS NOT NULL) AND (visit_minutes IS NULL OR visit_minutes BETWEEN 5 AND 1440)")
export class ListingEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  @ForeignKey("service_categories", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 40 })
  categoryCode!: string;

  @Column({ type: "varchar", length: 200 })
  title!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  @Column({ type: "enum", enum: Unit, enumName: "unit" })
  unit!: Unit;

  /** The length of one VISIT (a 30- or 45-minute call); optional for other units. */
  @Column({ type: "smallint", nullable: true })
  visitMinutes!: number | null;

  @Column({ type: "enum", enum: RateType, enumName: "rate_type", default: RateType.STANDARD })
  rateType!: RateType;

  /** Price of one unit, in pence. */
  @Column({ type: "integer" })
  pricePence!: number;

  @Column({ type: "enum", enum: ListingSetting, enumName: "listing_setting" })
  setting!: ListingSetting;

  /** How many people one session serves together (group sessions in care homes); 1 otherwise. */
  @Column({ type: "smallint", default: 1 })
  groupCapacity!: number;

  /** Units the provider can supply each week; null: not stated (no limit when planning). */
  @Column({ type: "numeric", precision: 8, scale: 2, nullable: true, transformer: numericQuantity })
  weeklyCapacityUnits!: number | null;

  @Column({ type: "enum", enum: Weekday, enumName: "weekday", array: true, default: () => "'{MO,TU,WE,TH,FR,SA,SU}'" })
  availableDays!: Weekday[];

  /** The hours of the day it is available, London time ("08:00" to "20:00"). */
  @Column({ type: "char", length: 5, default: "00:00" })
  availableFrom!: string;

  @Column({ type: "char", length: 5, default: "24:00" })
  availableTo!: string;

  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
