import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { Role } from "../../shared/auth";

/** A person who signs in. Links say whom they act for: a provider, a funding body, a client. */
@Entity("users")
export class UserEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** Stored lower-cased; unique. */
  @Index("uq_users_email", { unique: true })
  @Column({ type: "varchar", length: 254 })
  email!: string;

  @Column({ type: "varchar", length: 120 })
  displayName!: string;

  /** The `sub` claim of this user's tokens: their email unless an identity provider says otherwise. */
  @Index("uq_users_subject", { unique: true })
  @Column({ type: "varchar", length: 255 })
  subject!: string;

  @Column({ type: "enum", enum: Role, enumName: "user_role", array: true })
  roles!: Role[];

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Index("idx_users_provider_id")
  @Column({ type: "uuid", nullable: true })
  providerId!: string | null;

  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9, nullable: true })
  fundingBodyCode!: string | null;

  /** The client a CLIENT user is, or acts for (a nominated or authorised person). */
  @ForeignKey("clients", { onDelete: "RESTRICT" })
  @Index("idx_users_client_id")
  @Column({ type: "uuid", nullable: true })
  clientId!: string | null;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
