import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { CqcRating, ProviderKind } from "./provider.enums";

/** An organisation or sole trader offering services (Open Referral "organization"). */
@Entity("providers")
@Index("idx_providers_service_areas", { synchronize: false }) // GIN (service_areas), see migration
@Index("idx_providers_postcode_districts", { synchronize: false }) // GIN (postcode_districts)
@Index("idx_providers_name_search", { synchronize: false }) // GIN full-text over the name
@Index("idx_providers_name_id", ["name", "id"]) // the keyset of `providers`
export class ProviderEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "varchar", length: 200 })
  name!: string;

  @Column({ type: "enum", enum: ProviderKind, enumName: "provider_kind" })
  kind!: ProviderKind;

  @Column({ type: "text", default: "" })
  description!: string;

  /** The Care Quality Commission location ID ("1-123456789"); required for regulated activity. */
  @Index("uq_providers_cqc_location_id", { unique: true })
  @Column({ type: "varchar", length: 20, nullable: true })
  cqcLocationId!: string | null;

  @Column({ type: "enum", enum: CqcRating, enumName: "cqc_rating", nullable: true })
  cqcRating!: CqcRating | null;

  /** Codes of the funding bodies whose area it serves. */
  @Column({ type: "varchar", length: 9, array: true, default: () => "'{}'" })
  serviceAreas!: string[];

  /** Postcode districts it covers ("SW19", "CR4"). */
  @Column({ type: "varchar", length: 4, array: true, default: () => "'{}'" })
  postcodeDistricts!: string[];

  /** Checked by the platform's administrators. */
  @Column({ type: "boolean", default: false })
  verified!: boolean;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;

  @Column({ type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
