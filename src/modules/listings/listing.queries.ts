/**
 * The catalogue search: one statement that filters, orders and pages listings joined with their
 * providers (and, for a funding body, the rate each is compared with), so a page of results with
 * provider names and price comparisons costs one round trip. Orders are keysets; the partial
 * indexes of the migrations cover active listings only.
 */
import { badUserInput } from "../../shared/errors";
import { decodeCursor, encodeCursor, type CursorValue } from "../../shared/pagination";
import { councilRateLateral, minimumPriceLateral } from "../pricing";
import { normalisePostcodeDistrict } from "../providers";
import { ListingOrder } from "./listing.enums";
import type { ListingFilter } from "./listing.inputs";

/** Saving against the funding body's rate, in basis points of the rate (an integer: exact in cursors). */
const SAVING_BP = "((cr.pence - l.price_pence) * 10000 / cr.pence)";

interface OrderSpec {
  /** Sort expressions, most significant first; the last is always the unique id. */
  columns: string[];
  casts: string[];
  direction: "ASC" | "DESC";
}

/** NEWEST relies on UUIDv7 ids being time-ordered; SAVING_DESC puts listings without a rate last. */
const ORDERS: Record<ListingOrder, OrderSpec> = {
  [ListingOrder.PRICE_ASC]: { columns: ["l.price_pence", "l.id"], casts: ["int", "uuid"], direction: "ASC" },
  [ListingOrder.PRICE_DESC]: { columns: ["l.price_pence", "l.id"], casts: ["int", "uuid"], direction: "DESC" },
  [ListingOrder.NEWEST]: { columns: ["l.id"], casts: ["uuid"], direction: "DESC" },
  [ListingOrder.SAVING_DESC]: { columns: [SAVING_BP, "l.id"], casts: ["int", "uuid"], direction: "DESC" },
};

/** The sort values of a result row, as its cursor carries them. */
export function cursorOf(order: ListingOrder, row: { pricePence: number; id: string; savingBasisPoints: number | null }): string {
  const values: Record<ListingOrder, CursorValue[]> = {
    [ListingOrder.PRICE_ASC]: [row.pricePence, row.id],
    [ListingOrder.PRICE_DESC]: [row.pricePence, row.id],
    [ListingOrder.NEWEST]: [row.id],
    [ListingOrder.SAVING_DESC]: [row.savingBasisPoints, row.id],
  };
  return encodeCursor(order, values[order]);
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

/**
 * `columns`: the select list over `l` (listings), `p` (providers) and, when `comparing` with the
 * filter's funding body, `r` (its rate, with per-unit `cr.pence` and minimum `mp.pence`) and the
 * saving. `on`: the day rates are read for.
 */
export function searchStatement(
  columns: { always: string; rates: string },
  filter: ListingFilter,
  order: ListingOrder,
  first: number,
  after: string | null | undefined,
  on: string,
  comparing: boolean,
): SearchStatement {
  const spec = ORDERS[order];
  const c = filterConditions(filter);
  if (order === ListingOrder.SAVING_DESC && !(comparing && filter.fundingBodyCode)) {
    throw badUserInput("SAVING_DESC compares with a funding body's rates: give filter.fundingBodyCode.", "orderBy");
  }
  let joins = "";
  if (comparing) {
    const body = c.param(filter.fundingBodyCode);
    const day = `${c.param(on)}::date`;
    joins = `LEFT JOIN LATERAL ${councilRateLateral("l", body, day)} cr ON true
      LEFT JOIN LATERAL ${minimumPriceLateral("l", day)} mp ON true
      LEFT JOIN reference_rates r ON r.id = cr.id`;
  }
  if (after) c.add(keyset(spec, decodeCursor(after, order, spec.columns.length), c));
  const orderBy = spec.columns.map((column) => `${column} ${spec.direction}${column === SAVING_BP ? " NULLS LAST" : ""}`).join(", ");
  const select = comparing ? `${columns.always}, ${columns.rates}, cr.pence AS "cr.pence", mp.pence AS "mp.pence", ${SAVING_BP} AS saving_bp` : columns.always;
  const sql = `SELECT ${select}
    FROM listings l JOIN providers p ON p.id = l.provider_id ${joins}
    ${c.where} ORDER BY ${orderBy} LIMIT ${c.param(first + 1)}`;
  return { sql, params: c.params };
}

/** Rows after the cursor's; for the nullable saving, nulls come last. */
function keyset(spec: OrderSpec, values: CursorValue[], c: Conditions): string {
  const [sortColumn] = spec.columns;
  const before = spec.direction === "ASC" ? ">" : "<";
  if (sortColumn !== SAVING_BP) {
    const placeholders = values.map((v, i) => `${c.param(v)}::${spec.casts[i]}`);
    return `(${spec.columns.join(", ")}) ${before} (${placeholders.join(", ")})`;
  }
  const [saving, id] = values;
  const idParam = `${c.param(id)}::uuid`;
  if (saving === null) return `(${SAVING_BP} IS NULL AND l.id < ${idParam})`;
  const savingParam = `${c.param(saving)}::int`;
  return `(${SAVING_BP} < ${savingParam} OR (${SAVING_BP} = ${savingParam} AND l.id < ${idParam}) OR ${SAVING_BP} IS NULL)`;
}

export function countStatement(filter: ListingFilter): SearchStatement {
  const c = filterConditions(filter);
  return { sql: `SELECT count(*)::int AS count FROM listings l JOIN providers p ON p.id = l.provider_id ${c.where}`, params: c.params };
}
