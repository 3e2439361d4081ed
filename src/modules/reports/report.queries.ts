/**
 * The efficiency report as one SQL statement over delivered visits (DOMAIN.md, "Savings
 * accounting"): per visit with a reference rate, reference cost, sourced cost, saving or premium,
 * and the earmark returned; per budget, retained = savings − returned, reserved = min(retained,
 * available), absorbed = retained − reserved, shared out over the report's groups by largest
 * remainder so that every column adds up to the penny. Visits without a rate are counted apart;
 * visits priced against the STANDARD fallback (basis FALLBACK_STANDARD, frozen on the visit) count
 * as referenced everywhere and are also counted apart, so a commissioner sees how much rests on it.
 * The care-home pooling saving: per delivered share of a group session, the whole session's price
 * (what the resident would pay alone) less their share.
 */
import type { DataSource } from "typeorm";
import type { ReplicaReader } from "../../shared/db";
import { savingSql } from "../pricing";
import { AVAILABLE_SQL, forecastRows } from "./forecast.queries";
import { ReportDimension } from "./report.enums";

/** Each dimension's expression over the joined visit (v), booking (bk), client (c), budget (bu), category (sc), provider (p). */
const DIMENSIONS: Record<ReportDimension | "BUDGET", string> = {
  [ReportDimension.CATEGORY]: "l.category_code::text",
  [ReportDimension.MONTH]: "to_char(v.starts_at AT TIME ZONE 'Europe/London', 'YYYY-MM')",
  [ReportDimension.PROVIDER_KIND]: "p.kind::text",
  [ReportDimension.BUDGET_KIND]: "bu.kind::text",
  [ReportDimension.AGE_BAND]: ageBandOn("(v.starts_at AT TIME ZONE 'Europe/London')::date"),
  [ReportDimension.PURPOSE]: "sc.purpose::text",
  BUDGET: "bk.budget_id::text",
};

export type Dimension = ReportDimension | "BUDGET";

/** Mirrors ageBandOf in budgets/client.rules.ts (test/api/parity.test.ts proves they agree): the client's (c) age band on a day. */
export function ageBandOn(day: string): string {
  return `(SELECT CASE WHEN a < 18 THEN 'UNDER_18' WHEN a < 65 THEN 'AGE_18_64' WHEN a < 75 THEN 'AGE_65_74' WHEN a < 85 THEN 'AGE_75_84' ELSE 'AGE_85_PLUS' END
      FROM (SELECT extract(year FROM age(${day}, c.date_of_birth)) AS a) age)`;
}

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
 * Budget-level figures shared out over a budget's groups by largest remainder (of the magnitude: a
 * projected surplus may be negative), so that rows add up to the budget's own figure: the retained
 * saving still unspent before any close (`saved`: min(retained, allocated − committed − spent −
 * returned), what absorbed is measured against) and what of it is still reserved, in proportion to
 * each group's retained saving; the close's figures and the forecast, to its delivered visits.
 */
const BUDGET_FIGURES: { figure: string; weight: string; total: string }[] = [
  { figure: "saved", weight: "(g.saving - g.returned)", total: "b.retained" },
  { figure: "reserved", weight: "(g.saving - g.returned)", total: "b.retained" },
  ...["surplus", "reclaimed", "carried_forward", "projected_surplus"].map((figure) => ({ figure, weight: "g.visits", total: "b.budget_visits" })),
];

/** A delivered visit's saving (negative: a premium); without a reference rate NULL, which greatest() skips. */
const SAVING = savingSql("reference_cost_pence", "cost_pence");

/** div or mod of a share, 0 where the budget's total weight is not positive. */
function shareOf(numerator: string, total: string, op: "div" | "mod"): string {
  return `CASE WHEN ${total} > 0 THEN ${op}(${numerator}, ${total}) ELSE 0 END`;
}

/** Rows per group of `dimensions`, then the totals row (all group columns null, `is_total`). */
export function efficiencyStatement(scope: ReportScope, dimensions: Dimension[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ["v.status = 'DELIVERED'"];
  if (scope.fundingBodyCode) where.push(`bk.funding_body_code = ${param(scope.fundingBodyCode)}`);
  if (scope.budgetIds) where.push(`bk.budget_id = ANY(${param(scope.budgetIds)}::uuid[])`);
  if (scope.from) where.push(`v.starts_at >= ${param(scope.from)}`);
  if (scope.to) where.push(`v.starts_at < ${param(scope.to)}`);

  const keys = dimensions.map((_d, i) => `g${i}`);
  const keyList = keys.length ? `${keys.join(", ")}, ` : "";
  const sets = keys.length ? `GROUPING SETS ((${keys.join(", ")}), ())` : "()";
  const isTotal = keys.length ? `GROUPING(${keys.join(", ")}) > 0` : "true";
  const joinOn = keys.length
    ? keys.map((k) => `money.${k} IS NOT DISTINCT FROM counts.${k}`).join(" AND ") + " AND money.is_total = counts.is_total"
    : "money.is_total = counts.is_total";

  const sql = `
    WITH v AS (
      SELECT bk.budget_id, bk.id AS booking_id, bk.client_id, c.new_to_support, bk.payee_relationship <> 'NONE' AS relative,
             v.cost_pence, v.reference_cost_pence, v.earmark_pence, v.below_minimum_price,
             v.reference_basis = 'FALLBACK_STANDARD' AS fallback,
             coalesce(gb.session_price_pence - v.cost_pence, 0) AS pooling_saving,
             -- Settlement (the settlement module's tables): the client's answer, reversals, what was paid.
             vc.status AS answer, coalesce(vc.upheld_pence, 0) + coalesce(k.pence, 0) AS reversed, coalesce(pd.pence, 0) AS paid
             ${dimensions.map((d, i) => `, ${DIMENSIONS[d]} AS g${i}`).join("")}
      FROM visits v
      LEFT JOIN visit_confirmations vc ON vc.visit_id = v.id
      LEFT JOIN LATERAL (SELECT sum(amount_pence) AS pence FROM visit_corrections WHERE visit_id = v.id) k ON true
      LEFT JOIN LATERAL (SELECT sum(l.amount_pence) AS pence FROM statement_lines l JOIN provider_statements s ON s.id = l.statement_id
                         WHERE l.subject_visit_id = v.id AND s.status = 'PAID') pd ON true
      JOIN bookings bk ON bk.id = v.booking_id
      JOIN clients c ON c.id = bk.client_id
      JOIN budgets bu ON bu.id = bk.budget_id
      JOIN listings l ON l.id = bk.listing_id
      JOIN service_categories sc ON sc.code = l.category_code
      JOIN providers p ON p.id = bk.provider_id
      LEFT JOIN group_bookings gb ON gb.id = bk.group_booking_id
      WHERE ${where.join(" AND ")}
    ),
    per_group AS (
      SELECT budget_id, ${keyList}
             coalesce(sum(cost_pence) FILTER (WHERE reference_cost_pence IS NOT NULL), 0) AS sourced,
             coalesce(sum(reference_cost_pence), 0) AS reference,
             coalesce(sum(greatest(${SAVING}, 0)), 0) AS saving,
             coalesce(sum(greatest(-${SAVING}, 0)), 0) AS premium,
             coalesce(sum(earmark_pence), 0) AS returned,
             count(*) AS visits,
             count(*) FILTER (WHERE reference_cost_pence IS NULL) AS without_reference,
             coalesce(sum(cost_pence) FILTER (WHERE reference_cost_pence IS NULL), 0) AS spend_without_reference,
             coalesce(sum(cost_pence) FILTER (WHERE new_to_support), 0) AS new_to_support_spend,
             coalesce(sum(cost_pence) FILTER (WHERE relative), 0) AS relative_spend,
             count(*) FILTER (WHERE fallback) AS fallback_visits,
             coalesce(sum(cost_pence) FILTER (WHERE fallback), 0) AS fallback_spend,
             coalesce(sum(pooling_saving), 0) AS pooling_saving,
             coalesce(sum(cost_pence - reversed) FILTER (WHERE answer IN ('CONFIRMED', 'REJECTED', 'UPHELD')), 0) AS confirmed,
             coalesce(sum(cost_pence) FILTER (WHERE answer IS NULL), 0) AS awaiting,
             coalesce(sum(cost_pence) FILTER (WHERE answer = 'DISPUTED'), 0) AS disputed,
             coalesce(sum(reversed), 0) AS upheld,
             coalesce(sum(paid), 0) AS paid
      FROM v GROUP BY budget_id ${keys.map((k) => `, ${k}`).join("")}
    ),
    -- Materialized: its budget figures are computed once, not again under each window of allotted.
    per_budget AS MATERIALIZED (
      SELECT b.*, least(b.saved, b.available) AS reserved,
             CASE WHEN bu.status = 'OPEN' THEN b.available - fc.extra ELSE 0 END AS projected_surplus
      FROM (SELECT g.budget_id, sum(g.visits) AS budget_visits, sum(g.saving - g.returned) AS retained,
                   greatest(least(sum(g.saving - g.returned), min(bu.allocated_pence - bu.committed_pence - bu.spent_pence - bu.returned_pence)), 0) AS saved,
                   -- After a close, the saving reclaimed or carried forward is no longer reserved: it left with the surplus.
                   min(${AVAILABLE_SQL}) AS available,
                   coalesce(min(bu.surplus_pence), 0) AS surplus, min(bu.reclaimed_pence) AS reclaimed, min(bu.carried_forward_pence) AS carried_forward
            FROM per_group g JOIN budgets bu ON bu.id = g.budget_id GROUP BY g.budget_id) b
      JOIN budgets bu ON bu.id = b.budget_id
      JOIN ${forecastRows("bu.id IN (SELECT budget_id FROM per_group)", param(scope.today))} fc ON fc.budget_id = b.budget_id
    ),
    shares AS (
      SELECT g.*, b.budget_visits, ${BUDGET_FIGURES.map(({ figure: f, weight, total }) => `b.${f} AS budget_${f}, ${shareOf(`abs(b.${f})::numeric * ${weight}`, total, "div")} AS ${f}_base, ${shareOf(`abs(b.${f})::numeric * ${weight}`, total, "mod")} AS ${f}_remainder`).join(",\n             ")}
      FROM per_group g JOIN per_budget b ON b.budget_id = g.budget_id
    ),
    allotted AS (
      SELECT s.*, ${BUDGET_FIGURES.map(
        ({
          figure: f,
        }) => `sign(s.budget_${f}) * (s.${f}_base + CASE WHEN row_number() OVER (PARTITION BY s.budget_id ORDER BY s.${f}_remainder DESC ${keys.map((k) => `, s.${k}`).join("")})
                   <= abs(s.budget_${f}) - sum(s.${f}_base) OVER (PARTITION BY s.budget_id) THEN 1 ELSE 0 END) AS ${f}`,
      ).join(",\n             ")}
      FROM shares s
    ),
    money AS (
      SELECT ${keyList} ${isTotal} AS is_total,
             sum(sourced) AS sourced_pence, sum(reference) AS reference_pence, sum(saving) AS saving_pence, sum(premium) AS premium_pence,
             sum(returned) AS returned_pence, sum(reserved) AS reserved_pence, sum(saving - returned - saved) AS absorbed_pence,
             sum(surplus) AS surplus_pence, sum(reclaimed) AS reclaimed_pence, sum(carried_forward) AS carried_forward_pence,
             sum(projected_surplus) AS projected_surplus_pence,
             sum(visits) AS visits, sum(without_reference) AS visits_without_reference, sum(spend_without_reference) AS spend_without_reference_pence,
             sum(new_to_support_spend) AS new_to_support_spend_pence, sum(relative_spend) AS relative_payee_spend_pence,
             sum(fallback_visits) AS visits_with_fallback_reference, sum(fallback_spend) AS fallback_reference_spend_pence,
             sum(pooling_saving) AS pooling_saving_pence,
             sum(confirmed) AS confirmed_pence, sum(awaiting) AS awaiting_confirmation_pence, sum(disputed) AS disputed_pence,
             sum(upheld) AS upheld_pence, sum(paid) AS paid_pence
      FROM allotted GROUP BY ${sets}
    ),
    counts AS (
      SELECT ${keyList} ${isTotal} AS is_total,
             count(DISTINCT booking_id) AS bookings, count(DISTINCT client_id) AS clients,
             count(DISTINCT client_id) FILTER (WHERE new_to_support) AS new_to_support_clients,
             count(DISTINCT booking_id) FILTER (WHERE below_minimum_price) AS below_minimum_price_bookings
      FROM v GROUP BY ${sets}
    )
    SELECT ${keys.map((k) => `money.${k}, `).join("")} money.is_total, ${MEASURES.map((m) => `${["bookings", "clients", "new_to_support_clients", "below_minimum_price_bookings"].includes(m) ? "counts" : "money"}.${m}`).join(", ")}
    FROM money JOIN counts ON ${joinOn}
    ORDER BY money.is_total ${keys.map((k) => `, money.${k}`).join("")}`;
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

export function runEfficiency(db: ReplicaReader, scope: ReportScope, dimensions: Dimension[]): Promise<Row[]> {
  const { sql, params } = efficiencyStatement(scope, dimensions);
  return db.query<Row>(sql, params);
}

/** Each budget's efficiency over all its delivered visits and agreed packages: two statements for many budgets. */
export async function efficiencyOfBudgets(db: DataSource, budgetIds: readonly string[], today: string): Promise<EfficiencyMeasuresRecord[]> {
  const scope = { budgetIds: [...budgetIds], today };
  const [rows, brokerage] = await Promise.all([runEfficiency(db, scope, ["BUDGET"]), runBrokerage(db, scope, ["BUDGET"])]);
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
