import { Column, Entity, ForeignKey, Index, PrimaryColumn } from "typeorm";
import { bigintPence, numericQuantity } from "../../shared/money";
import { PayeeRelationship } from "../bookings";
import { QuoteRequestStatus, QuoteStatus } from "./quote.enums";

/** A client's request for prices: visible to providers serving their area and category, or named. */
@Entity("quote_requests")
@Index("idx_quote_requests_client_id_id", ["clientId", "id"])
@Index("idx_quote_requests_open_category", { synchronize: false }) // (category_code, id) WHERE status = 'OPEN'
export class QuoteRequestEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey("clients", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  clientId!: string;

  /** The client's, at the time of the request: which providers serve the area. */
  @ForeignKey("funding_bodies", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 9 })
  fundingBodyCode!: string;

  @Column({ type: "varchar", length: 4 })
  postcodeDistrict!: string;

  @ForeignKey("service_categories", { onDelete: "RESTRICT" })
  @Column({ type: "varchar", length: 40 })
  categoryCode!: string;

  @Column({ type: "text" })
  description!: string;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  unitsPerWeek!: number;

  /** When the support is wanted, in words ("weekday mornings, 8–9am"). */
  @Column({ type: "varchar", length: 500, default: "" })
  schedule!: string;

  @Column({ type: "date" })
  startsOn!: string;

  @Column({ type: "date" })
  endsOn!: string;

  /** Providers asked by name (they see the request even outside their area). */
  @Column({ type: "uuid", array: true, default: () => "'{}'" })
  namedProviderIds!: string[];

  @Column({ type: "enum", enum: QuoteRequestStatus, enumName: "quote_request_status", default: QuoteRequestStatus.OPEN })
  status!: QuoteRequestStatus;

  @ForeignKey("users", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  createdByUserId!: string;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}

/** A provider's priced answer to a request: enough to book from, at the quoted price. */
@Entity("quotes")
@Index("idx_quotes_request_id", ["requestId", "id"])
@Index("idx_quotes_provider_id_id", ["providerId", "id"])
@Index("uq_quotes_one_submitted_per_provider", { synchronize: false }) // UNIQUE (request_id, provider_id) WHERE status = 'SUBMITTED'
export class QuoteEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @ForeignKey(() => QuoteRequestEntity, { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  requestId!: string;

  @ForeignKey("providers", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  providerId!: string;

  @ForeignKey("listings", { onDelete: "RESTRICT" })
  @Column({ type: "uuid" })
  listingId!: string;

  @Column({ type: "integer" })
  unitPricePence!: number;

  @Column({ type: "numeric", precision: 8, scale: 2, transformer: numericQuantity })
  unitsPerVisit!: number;

  @Column({ type: "timestamptz" })
  startsAt!: Date;

  @Column({ type: "varchar", length: 500, nullable: true })
  recurrence!: string | null;

  @Column({ type: "integer" })
  visitCount!: number;

  /** Every visit of the quoted period at the quoted price. */
  @Column({ type: "bigint", transformer: bigintPence })
  totalPence!: number;

  @Column({ type: "timestamptz" })
  validUntil!: Date;

  @Column({ type: "enum", enum: QuoteStatus, enumName: "quote_status", default: QuoteStatus.SUBMITTED })
  status!: QuoteStatus;

  @Column({ type: "varchar", length: 2000, default: "" })
  note!: string;

  /** What the provider declared, with its quote, of who its worker (the payee) is to the client (reg. 3). */
  @Column({ type: "enum", enum: PayeeRelationship, enumName: "payee_relationship", default: PayeeRelationship.NONE })
  payeeDeclaredByProvider!: PayeeRelationship;

  @Column({ type: "timestamptz", default: () => "now()" })
  createdAt!: Date;
}
