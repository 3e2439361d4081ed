import { Column, Entity, PrimaryColumn } from "typeorm";
import { CqcLocationStatus, CqcRating } from "./provider.enums";

/** A location of the Care Quality Commission's public register (HSCA active locations), as last imported. */
@Entity("cqc_locations")
export class CqcLocationEntity {
  /** "1-123456789". */
  @PrimaryColumn({ type: "varchar", length: 20 })
  locationId!: string;

  @Column({ type: "varchar", length: 300 })
  name!: string;

  @Column({ type: "varchar", length: 10, nullable: true })
  postcode!: string | null;

  @Column({ type: "enum", enum: CqcLocationStatus, enumName: "cqc_location_status" })
  status!: CqcLocationStatus;

  /** The register's latest overall rating; null when not yet rated. */
  @Column({ type: "enum", enum: CqcRating, enumName: "cqc_rating", nullable: true })
  rating!: CqcRating | null;

  /** The regulated activities it is registered for, as the register names them ("Personal care"). */
  @Column({ type: "varchar", length: 200, array: true, default: () => "'{}'" })
  regulatedActivities!: string[];

  /** "Location HSCA start date". */
  @Column({ type: "date", nullable: true })
  registeredOn!: string | null;

  @Column({ type: "timestamptz" })
  importedAt!: Date;
}
