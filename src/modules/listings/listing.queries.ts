/**
 * The catalogue search: one statement that filters, orders and pages listings joined with their
 * providers (and, for a funding body, the rate each is compared with), so a page of results with
 * provider names and price comparisons costs one round trip. Orders are keysets; the partial
 * indexes of the migrations cover active listings only.
 */
import { badUserInput } from "../../shared/errors";
import { afterCursor, cursorIn, decodeCursor, type CursorValue, type KeyColumn, type Keyset } from "../../shared/pagination";
import { councilRateLateral, minimumPriceLateral, savingBasisPointsSql } from "../pricing";
import { normalisePostcodeDistrict } from "../providers";
import type { Unit } from "../reference";
import type { CandidateArea, CandidateNeed, ListingSearch } from "./listing.commands";
import { ListingOrder } from "./listing.enums";
import { settingMatchesSql } from "./setting.rules";
import type { ListingCandidate } from "./listing.models";

/** Saving against the funding body's rate, in basis points of the rate (an integer: exact in cursors). */
const SAVING_BP = savingBasisPointsSql("cr.pence", "l.price_pence");

/** What a result row's cursor carries. */
interface SortValues {
  pricePence: number;
  id: string;
  savingBasisPoints: number | null;
}

const PRICE: KeyColumn<SortValues> = { sql: "l.price_pence", cast: "int", of: (r) => r.pricePence };
const SAVING: KeyColumn<SortValues> = { sql: SAVING_BP, cast: "int", of: (r) => r.savingBasisPoints };
const ID: KeyColumn<SortValues> = { sql: "l.id", cast: "uuid", of: (r) => r.id };

/** NEWEST relies on UUIDv7 ids being time-ordered; SAVING_DESC puts listings without a rate last. */
const ORDERS: Record<ListingOrder, Keyset<SortValues>> = {
  [ListingOrder.PRICE_ASC]: { name: ListingOrder.PRICE_ASC, keys: [PRICE, ID], direction: "ASC" },
  [ListingOrder.PRICE_DESC]: { name: ListingOrder.PRICE_DESC, keys: [PRICE, ID], direction: "DESC" },
  [ListingOrder.NEWEST]: { name: ListingOrder.NEWEST, keys: [ID], direction: "DESC" },
  [ListingOrder.SAVING_DESC]: { name: ListingOrder.SAVING_DESC, keys: [SAVING, ID], direction: "DESC" },
};

/** The sort values of a result row, as its cursor carries them. */
export function cursorOf(order: ListingOrder, row: SortValues): string {
  return cursorIn(ORDERS[order], row);
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

function filterConditions(filter: ListingSearch): Conditions {
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
  filter: ListingSearch,
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
  if (after)
    c.add(order === ListingOrder.SAVING_DESC ? afterSaving(decodeCursor(after, order, spec.keys.length), c) : afterCursor(spec, after, (v) => c.param(v)));
  const orderBy = spec.keys.map(({ sql }) => `${sql} ${spec.direction}${sql === SAVING_BP ? " NULLS LAST" : ""}`).join(", ");
  const select = comparing
    ? `${columns.always}, ${columns.rates}, cr.pence AS "cr.pence", cr.basis AS "cr.basis", mp.pence AS "mp.pence", ${SAVING_BP} AS saving_bp`
    : columns.always;
  const sql = `SELECT ${select}
    FROM listings l JOIN providers p ON p.id = l.provider_id ${joins}
    ${c.where} ORDER BY ${orderBy} LIMIT ${c.param(first + 1)}`;
  return { sql, params: c.params };
}

/** Rows after the cursor's in SAVING_DESC, where the saving is nullable and nulls come last. */
function afterSaving(values: CursorValue[], c: Conditions): string {
  const [saving, id] = values;
  const idParam = `${c.param(id)}::uuid`;
  if (saving === null) return `(${SAVING_BP} IS NULL AND l.id < ${idParam})`;
  const savingParam = `${c.param(saving)}::int`;
  return `(${SAVING_BP} < ${savingParam} OR (${SAVING_BP} = ${savingParam} AND l.id < ${idParam}) OR ${SAVING_BP} IS NULL)`;
}

export function countStatement(filter: ListingSearch): SearchStatement {
  const c = filterConditions(filter);
  return { sql: `SELECT count(*)::int AS count FROM listings l JOIN providers p ON p.id = l.provider_id ${c.where}`, params: c.params };
}

/**
 * The package planner's candidates: active listings that could meet each need (category, unit or
 * visits pro rata for an hourly need, days, hours, the client's area, rating, the setting where
 * the client lives: rule 11), with the funding
 * body's rate per unit on the day; one statement for all needs, each need's cheapest first.
 */
export function candidatesStatement(needs: CandidateNeed[], area: CandidateArea): SearchStatement {
  const rows = needs.map((need, i) => ({
    i,
    category_code: need.categoryCode,
    unit: need.unit,
    days: need.days ?? [],
    from_time: need.from ?? null,
    to_time: need.to ?? null,
    min_rating: need.minCqcRating ?? null,
  }));
  const sql = `WITH needs AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS n(i int, category_code text, unit unit, days weekday[], from_time text, to_time text, min_rating cqc_rating))
     SELECT n.i AS need, l.id, l.provider_id, l.unit, l.visit_minutes, l.price_pence, l.weekly_capacity_units, cr.pence AS reference_pence
     FROM needs n
     JOIN listings l ON l.active AND l.category_code = n.category_code
       AND (l.unit = n.unit OR (n.unit = 'HOUR' AND l.unit = 'VISIT' AND l.visit_minutes IS NOT NULL))
       AND l.available_days @> n.days
       AND l.available_from <= coalesce(n.from_time, '24:00') AND l.available_to >= coalesce(n.to_time, '00:00')
     JOIN providers p ON p.id = l.provider_id
       AND (p.service_areas @> ARRAY[$2]::varchar[] OR p.postcode_districts @> ARRAY[$3]::varchar[] OR l.setting = 'REMOTE')
       AND (n.min_rating IS NULL OR p.cqc_rating >= n.min_rating)
       AND ${settingMatchesSql("l", "p", "$5::uuid")}
     LEFT JOIN LATERAL ${councilRateLateral("l", "$2", "$4::date")} cr ON true
     ORDER BY n.i, l.price_pence, l.id`;
  return { sql, params: [JSON.stringify(rows), area.fundingBodyCode, area.postcodeDistrict, area.on, area.careHomeId] };
}

/** A row of candidatesStatement. */
export interface CandidateRow {
  need: number;
  id: string;
  provider_id: string;
  unit: Unit;
  visit_minutes: number | null;
  price_pence: number;
  /** numeric: a string. */
  weekly_capacity_units: string | null;
  reference_pence: number | null;
}

export function candidateOf(row: CandidateRow): ListingCandidate {
  return {
    need: row.need,
    listingId: row.id,
    providerId: row.provider_id,
    unit: row.unit,
    visitMinutes: row.visit_minutes,
    pricePence: row.price_pence,
    weeklyCapacityUnits: row.weekly_capacity_units === null ? null : Number(row.weekly_capacity_units),
    referencePence: row.reference_pence,
  };
}
