import { Check, Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { ClientSetting } from "./budget.enums";

/** A person who holds a budget (the budget holder). */
@Entity("clients")
@Index("idx_clients_funding_body_code_id", ["fundingBodyCode", "id"])
@Check("chk_clients_care_home", "(setting = 'CARE_HOME') = (care_home_id IS NOT NULL)")
export class ClientEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "varchar", length: 120 })
  displayName!: string;

  @Column({ type: "varchar", length: 4 })
  postcodeDistrict!: string;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @Column({ type: "enum", enum: ClientSetting, enumName: "client_setting" })
  setting!: ClientSetting;

  /** The care home the client lives in (a provider), when setting is CARE_HOME. */
  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Index("idx_clients_care_home_id")
  @Column({ type: "uuid", nullable: true })
  careHomeId!: string | null;

  @Column({ type: "date" })
  dateOfBirth!: string;

  /** Did not receive support before this budget ("previously managed without"): reported apart. */
  @Column({ type: "boolean", default: false })
  newToSupport!: boolean;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Index("idx_clients_broker_user_id")
  @Column({ type: "uuid", nullable: true })
  brokerUserId!: string | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
