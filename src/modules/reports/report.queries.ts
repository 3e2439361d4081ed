/**
 * The efficiency report as one SQL statement over delivered visits (DOMAIN.md, "Savings
 * accounting"), read from the monthly facts (report-facts.queries.ts): per booking, month and age
 * band, reference cost, sourced cost, saving or premium, the earmark returned and settlement. Stored
 * facts serve the months a period covers whole; the keys still queued for refresh and the months it
 * covers in part are computed live from the visits, by the same definition.
 * Per budget, retained = savings − returned, saved = the retained saving still unspent (what
 * absorbed is measured against), reserved = min(saved, available): shared over the report's rows in
 * proportion to each row's retained saving, and the close's figures and the forecast in proportion
 * to its delivered visits. Each row's share is the sum of its budgets' exact shares; the rows' total,
 * which is the budgets' own total, is then apportioned by largest remainder, so that every column
 * adds up to the penny. Visits without a rate are counted apart; visits priced against the STANDARD
 * fallback (basis FALLBACK_STANDARD, frozen on the visit) count as referenced everywhere and are
 * also counted apart, so a commissioner sees how much rests on it. The care-home pooling saving:
 * per delivered share of a group session, the whole session's price (what the resident would pay
 * alone) less their share.
 */
import type { DataSource } from "typeorm";
import { primaryReader, type ReplicaReader } from "../../shared/db";
import { addMonths, londonDate } from "../../shared/time";
import { AgeBand } from "../budgets";
import { AVAILABLE_SQL, forecastRows } from "./forecast.queries";
import { ReportDimension } from "./report.enums";
import { ageBandOn, FACT_COLUMNS, FACT_MEASURES, dayStart, factsOf, visitsOfKeys } from "./report-facts.queries";

/**
 * Each dimension's expression: MONTH and AGE_BAND over a fact (f), the others over its booking (bk)
 * and the booking's budget (bu), listing (l), category (sc) or provider (p).
 */
const DIMENSIONS: Record<ReportDimension | "BUDGET", string> = {
  [ReportDimension.CATEGORY]: "l.category_code::text",
  // Grouped as a date, written as text at the end: the rows sort and hash by a date, not a string.
  [ReportDimension.MONTH]: "f.month",
  [ReportDimension.PROVIDER_KIND]: "p.kind::text",
  [ReportDimension.BUDGET_KIND]: "bu.kind::text",
  [ReportDimension.AGE_BAND]: "f.age_band::text",
  [ReportDimension.PURPOSE]: "sc.purpose::text",
  BUDGET: "bk.budget_id::text",
};

/** The dimensions a fact has of its own; the others are its booking's, read once a booking. */
const FACT_DIMENSIONS: ReadonlySet<Dimension> = new Set([ReportDimension.MONTH, ReportDimension.AGE_BAND]);

/** The joins a dimension reads, beyond the booking and its client. */
const DIMENSION_JOINS: Partial<Record<Dimension, string[]>> = {
  [ReportDimension.CATEGORY]: ["l"],
  [ReportDimension.PROVIDER_KIND]: ["p"],
  [ReportDimension.BUDGET_KIND]: ["bu"],
  [ReportDimension.PURPOSE]: ["l", "sc"],
};

const JOINS: Record<string, string> = {
  l: "JOIN listings l ON l.id = bk.listing_id",
  sc: "JOIN service_categories sc ON sc.code = l.category_code",
  p: "JOIN providers p ON p.id = bk.provider_id",
  bu: "JOIN budgets bu ON bu.id = bk.budget_id",
};

export type Dimension = ReportDimension | "BUDGET";

/**
 * Brokerage is a cost of a package (k), counted when it is agreed: it can be grouped by what the
 * package and its budget (bu) and client (c) say, but not by category, provider kind or purpose,
 * because one package buys several.
 */
const BROKERAGE_DIMENSIONS: Partial<Record<Dimension, string>> = {
  [ReportDimension.MONTH]: "to_char(k.agreed_at AT TIME ZONE 'Europe/London', 'YYYY-MM')",
  [ReportDimension.BUDGET_KIND]: "bu.kind::text",
  [ReportDimension.AGE_BAND]: ageBandOn("(k.agreed_at AT TIME ZONE 'Europe/London')::date"),
  BUDGET: "k.budget_id::text",
};

export function brokerageSplitsBy(dimensions: Dimension[]): boolean {
  return dimensions.every((d) => d in BROKERAGE_DIMENSIONS);
}

/** Brokerage of packages agreed in the scope: per group when `brokerageSplitsBy(dimensions)`, and in total. */
export function runBrokerage(db: ReplicaReader, scope: ReportScope, dimensions: Dimension[]): Promise<Row[]> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ["k.agreed_at IS NOT NULL"];
  if (scope.fundingBodyCode) where.push(`k.funding_body_code = ${param(scope.fundingBodyCode)}`);
  if (scope.budgetIds) where.push(`k.budget_id = ANY(${param(scope.budgetIds)}::uuid[])`);
  if (scope.from) where.push(`k.agreed_at >= ${param(scope.from)}`);
  if (scope.to) where.push(`k.agreed_at < ${param(scope.to)}`);
  const keys = brokerageSplitsBy(dimensions) ? dimensions.map((_d, i) => `g${i}`) : [];
  return db.query(
    `SELECT ${keys.map((k) => `${k}, `).join("")} ${keys.length ? `GROUPING(${keys.join(", ")}) > 0` : "true"} AS is_total, coalesce(sum(fee), 0) AS brokerage_pence
     FROM (SELECT k.brokerage_fee_pence AS fee ${keys.map((k, i) => `, ${BROKERAGE_DIMENSIONS[dimensions[i]]} AS ${k}`).join("")}
           FROM packages k JOIN budgets bu ON bu.id = k.budget_id JOIN clients c ON c.id = k.client_id
           WHERE ${where.join(" AND ")}) k
     GROUP BY ${keys.length ? `GROUPING SETS ((${keys.join(", ")}), ())` : "()"}`,
    params,
  );
}

export interface ReportScope {
  fundingBodyCode?: string;
  budgetIds?: string[];
  /** Instants: visits starting in [from, to). */
  from?: Date;
  to?: Date;
  /** The months [from, to) covers whole, as first days [first, end) (first = end: none); with from and to. */
  months?: { first: string; end: string };
  /** The London day the forecasts are made on (projectedSurplusPence). */
  today: string;
}

export const MEASURES = [
  "sourced_pence",
  "reference_pence",
  "saving_pence",
  "premium_pence",
  "returned_pence",
  "reserved_pence",
  "absorbed_pence",
  "visits",
  "visits_without_reference",
  "spend_without_reference_pence",
  "new_to_support_spend_pence",
  "relative_payee_spend_pence",
  "bookings",
  "clients",
  "new_to_support_clients",
  "below_minimum_price_bookings",
  "visits_with_fallback_reference",
  "fallback_reference_spend_pence",
  "pooling_saving_pence",
  "confirmed_pence",
  "awaiting_confirmation_pence",
  "disputed_pence",
  "upheld_pence",
  "paid_pence",
  "surplus_pence",
  "reclaimed_pence",
  "carried_forward_pence",
  "projected_surplus_pence",
] as const;

/**
 * Budget-level figures, shared over a budget's rows by weight: the retained saving still unspent
 * before any close (`saved`) and what of it is still reserved, by each row's retained saving; the
 * close's figures and the forecast, by its delivered visits. A budget whose weights are not
 * positive shares nothing.
 */
const BUDGET_FIGURES: { figure: string; weight: string; total: string }[] = [
  { figure: "saved", weight: "(c.saving_pence - c.returned_pence)", total: "retained" },
  { figure: "reserved", weight: "(c.saving_pence - c.returned_pence)", total: "retained" },
  ...["surplus", "reclaimed", "carried_forward", "projected_surplus"].map((figure) => ({ figure, weight: "c.visits", total: "weight_visits" })),
];

/** A row's share rounded to six places: a float's sum of a million shares is good to far better, and the rounding makes a whole share whole. */
const exact = (share: string) => `round(${share}::numeric, 6)`;

/**
 * The CTEs `queued`, `live` and `facts`: the facts in scope, stored where they are current and
 * their month is whole in the period, live otherwise. The live facts (few, unless the refresh job
 * is behind) are computed once; each reader of the facts scans the stored ones itself.
 */
function factsInScope(scope: ReportScope, param: (value: unknown) => string): string {
  const stored: string[] = [];
  const live: string[] = [];
  if (scope.fundingBodyCode) {
    const code = param(scope.fundingBodyCode);
    stored.push(`f.funding_body_code = ${code}`);
    live.push(`bk.funding_body_code = ${code}`);
  }
  if (scope.budgetIds) {
    const ids = param(scope.budgetIds);
    stored.push(`f.budget_id = ANY(${ids}::uuid[])`);
    live.push(`bk.budget_id = ANY(${ids}::uuid[])`);
  }
  const queued = ["true"];
  const queuedVisits = [...live];
  const parts: string[] = [];
  if (scope.from && scope.to && scope.months) {
    const [from, to, first, end] = [param(scope.from), param(scope.to), param(scope.months.first), param(scope.months.end)];
    stored.push(`f.month >= ${first}::date AND f.month < ${end}::date`);
    queued.push(`month >= ${first}::date AND month < ${end}::date`);
    // Implied by the keys' months, but only a bound the planner can see reads just those months' partitions.
    queuedVisits.push(`v.starts_at >= ${dayStart(`${first}::date`)} AND v.starts_at < ${dayStart(`${end}::date`)}`);
    // The months the period covers in part: before its first whole month, and from the end of its last.
    parts.push(factsOf("visits v", [...live, `v.starts_at >= ${from} AND v.starts_at < least(${to}, ${dayStart(`${first}::date`)})`].join(" AND ")));
    parts.push(factsOf("visits v", [...live, `v.starts_at >= greatest(${from}, ${dayStart(`${end}::date`)}) AND v.starts_at < ${to}`].join(" AND ")));
  }
  const where = (conditions: string[]) => (conditions.length ? conditions.join(" AND ") : "true");
  // The queued keys are read once and anti-joined by hash: probing the queue's index per fact would
  // walk the dead entries a busy queue leaves until it is vacuumed. Each reader of the stored facts
  // scans them itself: cheaper than writing a quarter of a million rows to a temporary file to read
  // back. The live ones, planned once, are not planned again for each reader.
  return `queued AS MATERIALIZED (SELECT DISTINCT booking_id, month FROM report_fact_changes WHERE ${queued.join(" AND ")}),
    live AS MATERIALIZED (${[factsOf(visitsOfKeys("queued k"), where(queuedVisits)), ...parts].join("\n     UNION ALL\n     ")}),
    facts AS NOT MATERIALIZED (
      SELECT ${FACT_COLUMNS.map((c) => `f.${c}`).join(", ")} FROM report_facts f LEFT JOIN queued q ON q.booking_id = f.booking_id AND q.month = f.month
      WHERE ${where(stored)} AND q.booking_id IS NULL
      UNION ALL
      SELECT * FROM live
    )`;
}

/**
 * The budgets to forecast, by the scope's own columns rather than by the budgets the facts name:
 * the planner can count those (thousands, read by hash), not these (a CTE's). The budgets it adds
 * have no facts in scope, so the report's join leaves them out.
 */
function forecastScope(scope: ReportScope, param: (value: unknown) => string): string {
  const where = [];
  if (scope.fundingBodyCode) where.push(`bu.funding_body_code = ${param(scope.fundingBodyCode)}`);
  if (scope.budgetIds) where.push(`bu.id = ANY(${param(scope.budgetIds)}::uuid[])`);
  return where.length ? where.join(" AND ") : "bu.id IN (SELECT budget_id FROM weights)";
}

/** A month as a number (year × 12 + month − 1), in SQL over a month's first day. */
const monthNumberSql = (month: string) => `(extract(year FROM ${month})::int * 12 + extract(month FROM ${month})::int - 1)`;
const monthNumber = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const AGE_BANDS: string[] = Object.values(AgeBand);

/** A bigint's bits, less the sign: the most values of a fact's own keys that bits can count. */
const KEY_BITS = 62;

/**
 * A fact's own group keys (its month, its age band) as a bit position, when the values they take in
 * the period fit a bigint's bits: the position as SQL over the fact's month and age_band, and the
 * key values at each position. A booking's key values in scope are then the bits of one number.
 */
interface KeyBits {
  position: string;
  count: number;
  months?: string[];
  bands?: string[];
}

function keyBits(scope: ReportScope, dimensions: Dimension[], param: (value: unknown) => string): KeyBits | null {
  const byMonth = dimensions.includes(ReportDimension.MONTH);
  const bands = dimensions.includes(ReportDimension.AGE_BAND) ? AGE_BANDS.length : 1;
  if (!byMonth && bands === 1) return null;
  let months = 1;
  let first = "";
  if (byMonth) {
    if (!scope.from || !scope.to) return null;
    first = `${londonDate(scope.from).slice(0, 8)}01`;
    months = monthNumber(londonDate(new Date(scope.to.getTime() - 1))) - monthNumber(first) + 1;
  }
  const count = months * bands;
  if (count > KEY_BITS) return null;
  const parts = [
    ...(byMonth ? [`(${monthNumberSql("month")} - ${param(monthNumber(first))}) * ${bands}`] : []),
    ...(bands > 1 ? [`(array_position(${param(AGE_BANDS)}::text[], age_band::text) - 1)`] : []),
  ];
  const positions = Array.from({ length: count }, (_p, p) => p);
  return {
    position: `(${parts.join(" + ")})`,
    count,
    months: byMonth ? positions.map((p) => addMonths(first, Math.floor(p / bands))) : undefined,
    bands: bands > 1 ? positions.map((p) => AGE_BANDS[p % bands]) : undefined,
  };
}

/**
 * The distinct counts of groups by a fact's own keys (and a booking's, `bookingKeys`, over ba)
 * without a pass over the facts: a group's bookings at key position i are its bookings with bit i
 * of `positions` set (`below_positions`: a visit below the minimum there), its clients those with
 * bit i set in the OR of their bookings'. `factKeys` name the month's and age band's columns.
 */
function countsByKeyBits(bits: KeyBits, bookingKeys: string[], factKeys: { month?: string; band?: string }, param: (value: unknown) => string): string {
  // The count at position i: the sum of bit i over the rows (`where` holds).
  const sums = (of: string, where?: string) =>
    `ARRAY[${Array.from({ length: bits.count }, (_b, i) => (where ? `sum(CASE WHEN ${where} THEN (${of} >> ${i}) & 1 ELSE 0 END)` : `sum((${of} >> ${i}) & 1)`)).join(", ")}]`;
  const keyList = bookingKeys.map((k) => `${k}, `).join("");
  const groupBy = (...more: string[]) => ([...bookingKeys, ...more].length ? `GROUP BY ${[...bookingKeys, ...more].join(", ")}` : "");
  const keys = [
    ...(bits.months ? [{ column: factKeys.month, values: `${param(bits.months)}::date[]` }] : []),
    ...(bits.bands ? [{ column: factKeys.band, values: `${param(bits.bands)}::text[]` }] : []),
  ];
  return `SELECT ${bookingKeys.map((k) => `b.${k}, `).join("")} ${keys.map(({ column }) => `m.${column}, `).join("")} false AS is_total,
             m.bookings, m.clients, m.new_to_support_clients, m.below_minimum_price_bookings
      FROM (SELECT ${keyList} ${sums("positions")} AS bookings, ${sums("below_positions")} AS below FROM ba ${groupBy()}) b
      JOIN (SELECT ${keyList} ${sums("positions")} AS clients, ${sums("positions", "new_to_support")} AS new_clients
            FROM (SELECT ${keyList} client_id, new_to_support, bit_or(positions) AS positions FROM ba ${groupBy("client_id", "new_to_support")}) c ${groupBy()}) c
        ON ${bookingKeys.map((k) => `c.${k} IS NOT DISTINCT FROM b.${k}`).join(" AND ") || "true"}
      CROSS JOIN LATERAL unnest(b.bookings, c.clients, c.new_clients, b.below ${keys.map(({ values }) => `, ${values}`).join("")})
        AS m(bookings, clients, new_to_support_clients, below_minimum_price_bookings ${keys.map(({ column }) => `, ${column}`).join("")})
      WHERE m.bookings > 0`;
}

/** Rows per group of `dimensions`, then the totals row (all group columns null, `is_total`). */
export function efficiencyStatement(scope: ReportScope, dimensions: Dimension[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const keys = dimensions.map((_d, i) => `g${i}`);
  const keyList = keys.length ? `${keys.join(", ")}, ` : "";
  const joins = [...new Set(dimensions.flatMap((d) => DIMENSION_JOINS[d] ?? []))].sort((a, b) => Object.keys(JOINS).indexOf(a) - Object.keys(JOINS).indexOf(b));
  const facts = factsInScope(scope, param);
  const today = param(scope.today);
  // The money: each column's sum over the facts (c) of a group.
  const money: [string, string][] = [
    ...FACT_MEASURES.filter((m) => m !== "cost_pence").map((m): [string, string] => [m, `sum(${m})`]),
    ["new_to_support_spend_pence", "coalesce(sum(cost_pence) FILTER (WHERE new_to_support), 0)"],
    ["relative_payee_spend_pence", "coalesce(sum(cost_pence) FILTER (WHERE relative), 0)"],
    ...BUDGET_FIGURES.map(({ figure: f, weight }): [string, string] => [`${f}_share`, exact(`sum(${weight} * c.${f}_rate)`)]),
  ];
  const sums = money.map(([column, sum]) => `${sum} AS ${column}`).join(", ");
  const distinctCounts = `count(DISTINCT booking_id) AS bookings, count(DISTINCT client_id) AS clients,
             count(DISTINCT client_id) FILTER (WHERE new_to_support) AS new_to_support_clients,
             count(DISTINCT booking_id) FILTER (WHERE below_minimum_price) AS below_minimum_price_bookings`;
  // A fact's group keys: its own, or its booking's (ba).
  const groupKeys = dimensions.map((d, i) => `, ${FACT_DIMENSIONS.has(d) ? DIMENSIONS[d] : `ba.g${i}`} AS g${i}`).join("");
  const bookingKeys = dimensions.map((d, i) => (FACT_DIMENSIONS.has(d) ? "" : `, ${DIMENSIONS[d]} AS g${i}`)).join("");
  // Groups by a fact's own keys count by bits, when the keys' values in the period fit a bigint.
  const bits = keyBits(scope, dimensions, param);
  const bit = bits && `1::bigint << ${bits.position}`;
  const positions = bit ? `, bit_or(${bit}) AS positions, bit_or(CASE WHEN below_minimum_price THEN ${bit} ELSE 0 END) AS below_positions` : "";
  // The groups' distinct counts; the totals' are ba's.
  const groupCounts = !keys.length
    ? ""
    : bits
      ? countsByKeyBits(
          bits,
          keys.filter((_k, i) => !FACT_DIMENSIONS.has(dimensions[i])),
          { month: keys[dimensions.indexOf(ReportDimension.MONTH)], band: keys[dimensions.indexOf(ReportDimension.AGE_BAND)] },
          param,
        )
      : `SELECT ${keyList} false AS is_total, ${distinctCounts}
      FROM ${
        dimensions.some((d) => FACT_DIMENSIONS.has(d))
          ? `(SELECT f.booking_id, ba.client_id, ba.new_to_support, f.below_minimum_price ${groupKeys} FROM facts f JOIN ba ON ba.booking_id = f.booking_id) n`
          : "ba"
      }
      GROUP BY ${keys.join(", ")}`;

  const sql = `
    WITH ${facts},
    -- Each booking with facts in scope, once, with its weights: one pass over the facts.
    booked AS MATERIALIZED (
      SELECT booking_id, budget_id, sum(visits) AS weight_visits, sum(saving_pence - returned_pence) AS retained,
             bool_or(below_minimum_price) AS below_minimum_price ${positions}
      FROM facts GROUP BY booking_id, budget_id
    ),
    weights AS MATERIALIZED (SELECT budget_id, sum(weight_visits) AS weight_visits, sum(retained) AS retained FROM booked GROUP BY budget_id),
    -- Each budget's figures (they are the totals), and its rate per unit of weight.
    per_budget AS MATERIALIZED (
      SELECT b.*, ${BUDGET_FIGURES.map(({ figure: f, total }) => `CASE WHEN b.${total} > 0 THEN b.${f}::float8 / b.${total} ELSE 0 END AS ${f}_rate`).join(", ")}
      FROM (SELECT w.*, least(w.saved, w.available) AS reserved,
                   CASE WHEN w.open THEN w.available - coalesce(fc.extra, 0) ELSE 0 END AS projected_surplus
            FROM (SELECT w.budget_id, w.weight_visits, w.retained,
                         greatest(least(w.retained, bu.allocated_pence - bu.committed_pence - bu.spent_pence - bu.returned_pence), 0) AS saved,
                         -- After a close, the saving reclaimed or carried forward is no longer reserved: it left with the surplus.
                         ${AVAILABLE_SQL} AS available, bu.status = 'OPEN' AS open,
                         coalesce(bu.surplus_pence, 0) AS surplus, bu.reclaimed_pence AS reclaimed, bu.carried_forward_pence AS carried_forward
                  FROM weights w JOIN budgets bu ON bu.id = w.budget_id) w
            -- A period already over projects nothing more: only open budgets with days left are forecast.
            LEFT JOIN ${forecastRows(`${forecastScope(scope, param)} AND bu.status = 'OPEN' AND bu.period_end >= ${today}::date`, today)} fc
              ON fc.budget_id = w.budget_id) b
    ),
    totals AS (
      SELECT ${BUDGET_FIGURES.map(({ figure: f, total }) => `coalesce(sum(${f}) FILTER (WHERE ${total} > 0), 0) AS ${f}`).join(", ")} FROM per_budget
    ),
    -- The booked, with what their facts are grouped and counted by, and their budget's rates. The
    -- facts join it by hash, rather than the bookings, clients and dimensions' tables; and the
    -- distinct counts of the totals and of groups that are a booking's count its rows, a few
    -- thousand, rather than the facts.
    ba AS MATERIALIZED (
      SELECT bk.id AS booking_id, bk.client_id, cl.new_to_support, bk.payee_relationship <> 'NONE' AS relative, f.below_minimum_price,
             ${bits ? "f.positions, f.below_positions," : ""}
             ${BUDGET_FIGURES.map(({ figure: f }) => `b.${f}_rate`).join(", ")} ${bookingKeys}
      FROM booked f JOIN bookings bk ON bk.id = f.booking_id JOIN clients cl ON cl.id = bk.client_id JOIN per_budget b ON b.budget_id = f.budget_id
      ${joins.map((j) => JOINS[j]).join(" ")}
    ),
    c AS (
      SELECT f.*, ba.new_to_support, ba.relative, ${BUDGET_FIGURES.map(({ figure: f }) => `ba.${f}_rate`).join(", ")} ${groupKeys}
      FROM facts f JOIN ba ON ba.booking_id = f.booking_id
    ),
    ${
      keys.length
        ? `-- The totals row sums the groups' rows: each fact's money is added once, not once a grouping set.
    grouped AS (SELECT ${keyList} ${sums} FROM c GROUP BY ${keys.join(", ")}),
    money AS (
      SELECT ${keyList} false AS is_total, ${money.map(([column]) => column).join(", ")} FROM grouped
      UNION ALL
      SELECT ${keys.map((k) => `NULL AS ${k}, `).join("")} true, ${money.map(([column]) => `sum(${column})`).join(", ")} FROM grouped
    ),`
        : `money AS (SELECT true AS is_total, ${sums} FROM c),`
    }
    -- The distinct counts apart from the money, which is then summed by hash. Groups by a month or
    -- an age band count by the bookings' key bits, or (too many months) over a narrow pass of the facts.
    counts AS (
      ${
        groupCounts &&
        `${groupCounts}
      UNION ALL`
      }
      SELECT ${keys.map((k) => `NULL AS ${k}, `).join("")} true AS is_total, ${distinctCounts} FROM ba
    ),
    apportioned AS (
      SELECT m.*, ${BUDGET_FIGURES.map(
        ({ figure: f }) => `CASE WHEN m.is_total THEN t.${f} ELSE floor(m.${f}_share)
               + CASE WHEN row_number() OVER (PARTITION BY m.is_total ORDER BY m.${f}_share - floor(m.${f}_share) DESC ${keys.map((k) => `, m.${k}`).join("")})
                      <= t.${f} - sum(floor(m.${f}_share)) OVER (PARTITION BY m.is_total) THEN 1 ELSE 0 END END AS ${f}`,
      ).join(",\n             ")}
      FROM money m CROSS JOIN totals t
    )
    SELECT ${keys.map((k, i) => (dimensions[i] === ReportDimension.MONTH ? `to_char(a.${k}, 'YYYY-MM') AS ${k}, ` : `a.${k}, `)).join("")} a.is_total, ${MEASURES.map((m) => (m === "absorbed_pence" ? "saving_pence - returned_pence - saved AS absorbed_pence" : m.endsWith("_pence") && BUDGET_FIGURES.some(({ figure }) => `${figure}_pence` === m) ? `${m.slice(0, -6)} AS ${m}` : m)).join(", ")}
    -- The totals row's keys are null: matched as not distinct.
    FROM apportioned a JOIN counts n ON n.is_total = a.is_total ${keys.map((k) => ` AND n.${k} IS NOT DISTINCT FROM a.${k}`).join("")}
    ORDER BY a.is_total ${keys.map((k) => `, a.${k}`).join("")}`;
  return { sql, params };
}

export type Row = Record<string, unknown>;

/**
 * Where savings went, over delivered visits (DOMAIN.md, "Savings accounting"): the read model of
 * one row or the totals. Money adds up across rows; client and booking counts are distinct.
 */
export interface EfficiencyMeasuresRecord {
  /** API.md's names; sourcedPence / referencePence are the same figures under their first names. */
  sourcedCostPence: number;
  referenceCostPence: number;
  sourcedPence: number;
  referencePence: number;
  savingPence: number;
  premiumPence: number;
  savingPercent: number | null;
  returnedPence: number;
  reservedPence: number;
  absorbedPence: number;
  /** Null where brokerage cannot be split by the row's groups. */
  brokerageCostPence: number | null;
  netSavingAfterBrokeragePence: number | null;
  visits: number;
  visitsWithoutReference: number;
  spendWithoutReferencePence: number;
  bookings: number;
  clients: number;
  newToSupportClients: number;
  newToSupportSpendPence: number;
  relativePayeeSpendPence: number;
  belowMinimumPriceBookings: number;
  visitsWithFallbackReference: number;
  fallbackReferenceSpendPence: number;
  poolingSavingPence: number;
  /** Settlement: delivered spend confirmed (net of reversals), awaiting confirmation, disputed, reversed, and paid. */
  confirmedPence: number;
  awaitingConfirmationPence: number;
  disputedPence: number;
  upheldPence: number;
  paidPence: number;
  /** Period close (budget-level, shared over the budget's groups by its delivered visits): surplus fixed, reclaimed, carried forward. */
  surplusPence: number;
  reclaimedPence: number;
  carriedForwardPence: number;
  /** Open budgets' projected surplus at period end (forecast.queries.ts); closed budgets count 0. */
  projectedSurplusPence: number;
  /** Open budgets overdue for review (rule 7): a budget's, not a visit's, so only the totals carry it; null in rows. */
  reviewsOverdue: number | null;
}

/** The group a row measures; fields not grouped by are null. */
export interface EfficiencyGroupRecord {
  categoryCode: string | null;
  month: string | null;
  providerKind: string | null;
  budgetKind: string | null;
  ageBand: string | null;
  purpose: string | null;
}

/**
 * The statement joins its facts to CTEs, whose keys and groups the planner cannot count: it would
 * sort a quarter of a million facts to merge them with a few thousand bookings, or to group them
 * into a few dozen rows, where hashing reads them as they come. (Sorts it cannot do without, for
 * the windows and the distinct counts, it still does.)
 */
const EFFICIENCY_SETTINGS = { enable_mergejoin: "off", enable_sort: "off" };

export function runEfficiency(db: ReplicaReader, scope: ReportScope, dimensions: Dimension[]): Promise<Row[]> {
  const { sql, params } = efficiencyStatement(scope, dimensions);
  return db.queryWith<Row>(EFFICIENCY_SETTINGS, sql, params);
}

/** Each budget's efficiency over all its delivered visits and agreed packages: two statements for many budgets. */
export async function efficiencyOfBudgets(db: DataSource, budgetIds: readonly string[], today: string): Promise<EfficiencyMeasuresRecord[]> {
  const scope = { budgetIds: [...budgetIds], today };
  const reader = primaryReader(db);
  const [rows, brokerage] = await Promise.all([runEfficiency(reader, scope, ["BUDGET"]), runBrokerage(reader, scope, ["BUDGET"])]);
  const feeOf = new Map(brokerage.filter((r) => !r.is_total).map((r) => [r.g0 as string, Number(r.brokerage_pence)]));
  const byBudget = new Map(rows.filter((r) => !r.is_total).map((r) => [r.g0 as string, r]));
  return budgetIds.map((id) => measuresOf(byBudget.get(id) ?? {}, feeOf.get(id) ?? 0));
}

/** A row's measures; brokerage is null where it cannot be split by the row's groups. */
export function measuresOf(row: Row, brokerageCostPence: number | null): EfficiencyMeasuresRecord {
  const n = Object.fromEntries(MEASURES.map((m) => [m, Number(row[m] ?? 0)])) as Record<(typeof MEASURES)[number], number>;
  return {
    sourcedPence: n.sourced_pence,
    referencePence: n.reference_pence,
    savingPence: n.saving_pence,
    premiumPence: n.premium_pence,
    savingPercent: n.reference_pence ? Math.round((n.saving_pence / n.reference_pence) * 1000) / 10 : null,
    returnedPence: n.returned_pence,
    reservedPence: n.reserved_pence,
    absorbedPence: n.absorbed_pence,
    brokerageCostPence,
    netSavingAfterBrokeragePence: brokerageCostPence === null ? null : n.saving_pence - n.premium_pence - brokerageCostPence,
    visits: n.visits,
    visitsWithoutReference: n.visits_without_reference,
    spendWithoutReferencePence: n.spend_without_reference_pence,
    bookings: n.bookings,
    clients: n.clients,
    newToSupportClients: n.new_to_support_clients,
    newToSupportSpendPence: n.new_to_support_spend_pence,
    relativePayeeSpendPence: n.relative_payee_spend_pence,
    belowMinimumPriceBookings: n.below_minimum_price_bookings,
    confirmedPence: n.confirmed_pence,
    awaitingConfirmationPence: n.awaiting_confirmation_pence,
    disputedPence: n.disputed_pence,
    upheldPence: n.upheld_pence,
    paidPence: n.paid_pence,
    visitsWithFallbackReference: n.visits_with_fallback_reference,
    fallbackReferenceSpendPence: n.fallback_reference_spend_pence,
    poolingSavingPence: n.pooling_saving_pence,
    reviewsOverdue: null,
    // Last, so that the CSV's first columns stay where they were.
    sourcedCostPence: n.sourced_pence,
    referenceCostPence: n.reference_pence,
    surplusPence: n.surplus_pence,
    reclaimedPence: n.reclaimed_pence,
    carriedForwardPence: n.carried_forward_pence,
    projectedSurplusPence: n.projected_surplus_pence,
  };
}
