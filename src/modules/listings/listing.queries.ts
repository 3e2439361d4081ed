/**
 * The catalogue search: one statement that filters, orders and pages listings joined with their
 * providers, so a page of results with provider names costs one round trip. Orders are keysets
 * over indexed columns; the partial indexes of the migrations cover active listings only.
 */
import { decodeCursor, encodeCursor, type CursorValue } from "../../shared/pagination";
import { normalisePostcodeDistrict } from "../providers";
import type { ListingEntity } from "./listing.entity";
import { ListingOrder } from "./listing.enums";
import type { ListingFilter } from "./listing.inputs";

interface OrderSpec {
  /** Sort expressions, most significant first; the last is always the unique id. */
  columns: string[];
  casts: string[];
  direction: "ASC" | "DESC";
  cursorValues(listing: ListingEntity): CursorValue[];
}

/** NEWEST relies on UUIDv7 ids being time-ordered. */
const ORDERS: Record<ListingOrder, OrderSpec> = {
  [ListingOrder.PRICE_ASC]: { columns: ["l.price_pence", "l.id"], casts: ["int", "uuid"], direction: "ASC", cursorValues: (l) => [l.pricePence, l.id] },
  [ListingOrder.PRICE_DESC]: { columns: ["l.price_pence", "l.id"], casts: ["int", "uuid"], direction: "DESC", cursorValues: (l) => [l.pricePence, l.id] },
  [ListingOrder.NEWEST]: { columns: ["l.id"], casts: ["uuid"], direction: "DESC", cursorValues: (l) => [l.id] },
};

export function listingCursor(order: ListingOrder, listing: ListingEntity): string {
  return encodeCursor(order, ORDERS[order].cursorValues(listing));
}

/** Accumulates SQL conditions with numbered parameters. */
class Conditions {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(sql: string): void {
    this.parts.push(sql);
  }

  get where(): string {
    return this.parts.length ? `WHERE ${this.parts.join(" AND ")}` : "";
  }
}

/** Full-text expression: must match the expression of idx_listings_search exactly. */
const SEARCH_DOCUMENT = "to_tsvector('english'::regconfig, (l.title::text || ' ' || l.description))";

function filterConditions(filter: ListingFilter): Conditions {
  const c = new Conditions();
  c.add("l.active");
  // One category as an equality, so that idx_listings_active_category_price also gives the order.
  if (filter.categoryCodes?.length === 1) c.add(`l.category_code = ${c.param(filter.categoryCodes[0])}`);
  else if (filter.categoryCodes?.length) c.add(`l.category_code = ANY(${c.param(filter.categoryCodes)}::varchar[])`);
  if (filter.fundingBodyCode) {
    c.add(`(p.service_areas @> ARRAY[${c.param(filter.fundingBodyCode)}]::varchar[] OR l.setting = 'REMOTE')`);
  }
  if (filter.postcodeDistrict) {
    const district = normalisePostcodeDistrict(filter.postcodeDistrict);
    c.add(`(p.postcode_districts @> ARRAY[${c.param(district)}]::varchar[] OR l.setting = 'REMOTE')`);
  }
  if (filter.maxPricePence != null) c.add(`l.price_pence <= ${c.param(filter.maxPricePence)}`);
  if (filter.settings?.length) c.add(`l.setting = ANY(${c.param(filter.settings)}::listing_setting[])`);
  if (filter.providerKinds?.length) c.add(`p.kind = ANY(${c.param(filter.providerKinds)}::provider_kind[])`);
  if (filter.minCqcRating) c.add(`p.cqc_rating >= ${c.param(filter.minCqcRating)}::cqc_rating`);
  if (filter.text?.trim()) c.add(`${SEARCH_DOCUMENT} @@ websearch_to_tsquery('english', ${c.param(filter.text.trim())})`);
  return c;
}

export interface SearchStatement {
  sql: string;
  params: unknown[];
}

/** `columns`: the select list, over `l` (listings) and `p` (providers). */
export function searchStatement(
  columns: string,
  filter: ListingFilter,
  order: ListingOrder,
  first: number,
  after: string | null | undefined,
): SearchStatement {
  const spec = ORDERS[order];
  const c = filterConditions(filter);
  if (after) {
    const values = decodeCursor(after, order, spec.columns.length);
    const placeholders = values.map((v, i) => `${c.param(v)}::${spec.casts[i]}`);
    c.add(`(${spec.columns.join(", ")}) ${spec.direction === "ASC" ? ">" : "<"} (${placeholders.join(", ")})`);
  }
  const orderBy = spec.columns.map((column) => `${column} ${spec.direction}`).join(", ");
  const sql = `SELECT ${columns}
    FROM listings l JOIN providers p ON p.id = l.provider_id
    ${c.where} ORDER BY ${orderBy} LIMIT ${c.param(first + 1)}`;
  return { sql, params: c.params };
}

export function countStatement(filter: ListingFilter): SearchStatement {
  const c = filterConditions(filter);
  return { sql: `SELECT count(*)::int AS count FROM listings l JOIN providers p ON p.id = l.provider_id ${c.where}`, params: c.params };
}
