/**
 * The Open Referral feed's statements: one per page, whatever its size. The page's ids come from the
 * feed index (provider then id order, active listings, carrying the category) joined with verified
 * providers; the total is the maintained per-provider counts' sum (or, filtered, a count over the same
 * index); the rows are then read by primary key.
 */
import { listedSql } from "./listing.queries";
import { termIdOf } from "./openreferral.rules";

/** What a feed may be narrowed by (ORUK's query parameters). */
export interface FeedFilter {
  text?: string | null;
  /** Category codes (from taxonomy_term_id). */
  categoryCodes?: string[] | null;
  /** A postcode district the service must cover (or be remote). */
  district?: string | null;
  organizationId?: string | null;
}

/** The listings' columns a feed row reads, with its provider, category and funding bodies. */
const ROW_COLUMNS = `l.id, l.provider_id, l.category_code, l.title, l.description, l.unit, l.visit_minutes, l.rate_type, l.price_pence,
  l.setting, l.group_capacity, l.available_days, l.available_from, l.available_to, l.updated_at,
  p.name AS provider_name, p.description AS provider_description, p.postcode_districts, p.cqc_location_id, c.name AS category_name,
  coalesce((SELECT json_agg(json_build_object('code', f.code, 'name', f.name) ORDER BY f.code) FROM funding_bodies f WHERE f.code = ANY(p.service_areas)), '[]') AS areas`;

function conditions(filter: FeedFilter, params: unknown[]): string {
  const param = (value: unknown) => `$${params.push(value)}`;
  const parts = ["l.active", listedSql("l", { provider: "p" })];
  if (filter.categoryCodes) parts.push(`l.category_code = ANY(${param(filter.categoryCodes)}::varchar[])`);
  if (filter.organizationId) parts.push(`l.provider_id = ${param(filter.organizationId)}::uuid`);
  if (filter.district) parts.push(`(p.postcode_districts @> ARRAY[${param(filter.district)}]::varchar[] OR l.setting = 'REMOTE')`);
  if (filter.text) {
    const text = param(filter.text);
    parts.push(
      `(to_tsvector('english'::regconfig, (l.title::text || ' ' || l.description)) @@ websearch_to_tsquery('english', ${text}) OR to_tsvector('simple', p.name) @@ websearch_to_tsquery('simple', ${text}))`,
    );
  }
  return parts.join(" AND ");
}

function unfiltered(filter: FeedFilter): boolean {
  return !filter.text && !filter.categoryCodes && !filter.district && !filter.organizationId;
}

/**
 * One statement: the total matching and the page's rows (none past the last page: the total still comes),
 * in provider then id order. Unfiltered (the hot path), both come from the maintained counts (migration
 * FeedCounts): the total is their sum over verified providers, and the page starts at the provider whose
 * running sum passes the offset, skipping only that provider's earlier listings. A filter counts and
 * skips the listings it matches.
 */
export function feedPageStatement(filter: FeedFilter, pageNumber: number, perPage: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = conditions(filter, params);
  const limit = `$${params.push(perPage)}`;
  const offset = `$${params.push((pageNumber - 1) * perPage)}`;
  const rows = (ids: string) => `LEFT JOIN LATERAL (
      SELECT ${ROW_COLUMNS}
      FROM (${ids}) ids
      JOIN listings l ON l.id = ids.id JOIN providers p ON p.id = l.provider_id JOIN service_categories c ON c.code = l.category_code
    ) r ON true
    ORDER BY r.provider_id, r.id`;
  if (!unfiltered(filter)) {
    const sql = `SELECT t.total, r.* FROM
      (SELECT count(*)::int AS total FROM listings l JOIN providers p ON p.id = l.provider_id WHERE ${where}) t
    ${rows(`SELECT l.id FROM listings l JOIN providers p ON p.id = l.provider_id WHERE ${where} ORDER BY l.provider_id, l.id LIMIT ${limit} OFFSET ${offset}`)}`;
    return { sql, params };
  }
  const sql = `WITH counts AS MATERIALIZED (
      SELECT fc.provider_id, fc.active_listings AS n, sum(fc.active_listings) OVER (ORDER BY fc.provider_id) AS upto
      FROM listing_feed_counts fc JOIN providers p ON p.id = fc.provider_id
      WHERE p.verified AND fc.active_listings > 0
    ), start AS (
      SELECT provider_id, (${offset} - (upto - n))::int AS skip FROM counts WHERE upto > ${offset} ORDER BY provider_id LIMIT 1
    )
    SELECT t.total, r.* FROM (SELECT coalesce(max(upto), 0)::int AS total FROM counts) t
    ${rows(`SELECT l.id FROM listings l JOIN providers p ON p.id = l.provider_id
        WHERE ${where} AND l.provider_id >= (SELECT provider_id FROM start)
        ORDER BY l.provider_id, l.id LIMIT ${limit} OFFSET (SELECT skip FROM start)`)}`;
  return { sql, params };
}

/** One service by id: active, of a verified provider. */
export function feedServiceStatement(id: string): { sql: string; params: unknown[] } {
  const params: unknown[] = [id];
  const sql = `SELECT ${ROW_COLUMNS}
    FROM listings l JOIN providers p ON p.id = l.provider_id JOIN service_categories c ON c.code = l.category_code
    WHERE l.id = $1::uuid AND ${conditions({}, params)}`;
  return { sql, params };
}

/** Category codes from taxonomy term ids (ours are name-based) or codes themselves. */
export function categoryCodesOf(termIds: string[], allCodes: string[]): string[] {
  const byTerm = new Map(allCodes.map((code) => [termIdOf(code), code]));
  return termIds.map((t) => byTerm.get(t.toLowerCase()) ?? (allCodes.includes(t.toUpperCase()) ? t.toUpperCase() : "")).filter(Boolean);
}
