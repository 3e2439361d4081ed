/**
 * Where the market fails (Care Act 2014 s.5, the duty to shape it): needs that found no supply in a
 * period, by category and postcode district. Reads quotes' and brokers' tables: reports is the top module.
 */
import type { DataSource } from "typeorm";
import { categoryRateLateral } from "../pricing";
import type { Unit } from "../reference";

/** One category in one postcode district. */
export interface MarketGapRecord {
  categoryCode: string;
  postcodeDistrict: string;
  /** Quote requests whose wanted start passed in the period without a single quote. */
  quoteRequestsUnanswered: number;
  /** Needs the planner refused for NO_PROVIDER or NO_CAPACITY in the period. */
  planningRefusals: number;
  /** Distinct clients behind either. */
  clientsAffected: number;
  /** The funding body's STANDARD rate in force on the period's last day; null without one. */
  referenceRatePence: number | null;
  referenceRateUnit: Unit | null;
}

export interface MarketGapsScope {
  fundingBodyCode: string;
  /** London days, inclusive. */
  from: string;
  to: string;
  /** Instants bounding those days. */
  fromInstant: Date;
  toInstant: Date;
  /** Today (London): a request starting today or later has not lapsed yet. */
  today: string;
}

type Row = { category_code: string; postcode_district: string; unanswered: number; refused: number; clients: number; pence: number | null; unit: Unit | null };

/**
 * A quote request lapses when the day its support was wanted from passes: no stored expiry exists,
 * and after that day no quote can start in time. A cancelled one is the client's choice, not a gap.
 */
export async function runMarketGaps(db: DataSource, s: MarketGapsScope): Promise<MarketGapRecord[]> {
  const rows: Row[] = await db.query(
    `WITH gaps AS (
       SELECT r.category_code, r.postcode_district, r.client_id, 1 AS unanswered, 0 AS refused
       FROM quote_requests r
       WHERE r.funding_body_code = $1 AND r.status <> 'CANCELLED' AND r.starts_on BETWEEN $2::date AND $3::date AND r.starts_on < $6::date
         AND NOT EXISTS (SELECT 1 FROM quotes q WHERE q.request_id = r.id)
       UNION ALL
       SELECT category_code, postcode_district, client_id, 0, 1
       FROM planning_refusals
       WHERE funding_body_code = $1 AND refused_at >= $4 AND refused_at < $5 AND reason IN ('NO_PROVIDER', 'NO_CAPACITY')
     ), grouped AS (
       SELECT category_code, postcode_district, sum(unanswered)::int AS unanswered, sum(refused)::int AS refused, count(DISTINCT client_id)::int AS clients
       FROM gaps GROUP BY category_code, postcode_district
     )
     SELECT g.*, rate.pence, rate.unit
     FROM grouped g LEFT JOIN LATERAL ${categoryRateLateral("g.category_code", "$1", "$3::date")} rate ON true
     ORDER BY g.category_code, g.postcode_district`,
    [s.fundingBodyCode, s.from, s.to, s.fromInstant, s.toInstant, s.today],
  );
  return rows.map((r) => ({
    categoryCode: r.category_code,
    postcodeDistrict: r.postcode_district,
    quoteRequestsUnanswered: r.unanswered,
    planningRefusals: r.refused,
    clientsAffected: r.clients,
    referenceRatePence: r.pence,
    referenceRateUnit: r.unit,
  }));
}
