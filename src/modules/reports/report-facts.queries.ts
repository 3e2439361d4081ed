/**
 * The efficiency report's facts (migration ReportFacts): per booking, London month and age band,
 * the sums of its delivered visits and their settlement. One definition, `factsOf`, computes them
 * from the source tables: the refresh job stores what it gives for the keys queued in
 * `report_fact_changes`, and the report computes it live for keys still queued and for the months
 * its period covers only in part, so that stored or live, a fact is the same figure.
 */
import { savingSql } from "../pricing";

/** The fact columns after the key (booking_id, month, age_band), in the table's order. */
export const FACT_MEASURES = [
  "visits",
  "cost_pence",
  "sourced_pence",
  "reference_pence",
  "saving_pence",
  "premium_pence",
  "returned_pence",
  "visits_without_reference",
  "spend_without_reference_pence",
  "visits_with_fallback_reference",
  "fallback_reference_spend_pence",
  "pooling_saving_pence",
  "confirmed_pence",
  "awaiting_confirmation_pence",
  "disputed_pence",
  "upheld_pence",
  "paid_pence",
] as const;

export const FACT_COLUMNS = ["booking_id", "month", "age_band", "budget_id", "funding_body_code", ...FACT_MEASURES, "below_minimum_price"] as const;

/** Mirrors ageBandOf in budgets/client.rules.ts (test/api/parity.test.ts proves they agree): the client's (c) age band on a day. */
export function ageBandOn(day: string): string {
  return `(SELECT CASE WHEN a < 18 THEN 'UNDER_18' WHEN a < 65 THEN 'AGE_18_64' WHEN a < 75 THEN 'AGE_65_74' WHEN a < 85 THEN 'AGE_75_84' ELSE 'AGE_85_PLUS' END
      FROM (SELECT extract(year FROM age(${day}, c.date_of_birth)) AS a) age)`;
}

/** A delivered visit's saving (negative: a premium); without a reference rate NULL. */
const SAVING = savingSql("v.reference_cost_pence", "v.cost_pence");
const ANSWERED = "vc.status IN ('CONFIRMED', 'REJECTED', 'UPHELD')";
const REVERSED = "(coalesce(vc.upheld_pence, 0) + coalesce(cr.pence, 0))";

/** The instant a London day (a date expression, such as a month's first) starts. */
export function dayStart(day: string): string {
  return `((${day})::timestamp AT TIME ZONE 'Europe/London')`;
}

/**
 * The facts of the delivered visits (v) that `visits` (a FROM item yielding v) and `where` (over v
 * and its booking bk) select, one row per key: the per-visit measures of DOMAIN.md's "Savings
 * accounting", with settlement (the client's answer, reversals by an upheld dispute or a
 * correction, what a PAID statement paid). Every sum is a bigint, as the stored columns are: a
 * numeric one would make the report's union with the stored facts convert each of them.
 */
export function factsOf(visits: string, where: string): string {
  return `SELECT v.booking_id, report_month(v.starts_at) AS month, ${ageBandOn("(v.starts_at AT TIME ZONE 'Europe/London')::date")} AS age_band,
             bk.budget_id, bk.funding_body_code,
             count(*)::int AS visits, sum(v.cost_pence) AS cost_pence,
             coalesce(sum(v.cost_pence) FILTER (WHERE v.reference_cost_pence IS NOT NULL), 0) AS sourced_pence,
             coalesce(sum(v.reference_cost_pence), 0) AS reference_pence,
             coalesce(sum(greatest(${SAVING}, 0)), 0) AS saving_pence,
             coalesce(sum(greatest(-${SAVING}, 0)), 0) AS premium_pence,
             sum(v.earmark_pence) AS returned_pence,
             count(*) FILTER (WHERE v.reference_cost_pence IS NULL)::int AS visits_without_reference,
             coalesce(sum(v.cost_pence) FILTER (WHERE v.reference_cost_pence IS NULL), 0) AS spend_without_reference_pence,
             count(*) FILTER (WHERE v.reference_basis = 'FALLBACK_STANDARD')::int AS visits_with_fallback_reference,
             coalesce(sum(v.cost_pence) FILTER (WHERE v.reference_basis = 'FALLBACK_STANDARD'), 0) AS fallback_reference_spend_pence,
             coalesce(sum(gb.session_price_pence - v.cost_pence), 0) AS pooling_saving_pence,
             coalesce(sum(v.cost_pence - ${REVERSED}) FILTER (WHERE ${ANSWERED}), 0)::bigint AS confirmed_pence,
             coalesce(sum(v.cost_pence) FILTER (WHERE vc.status IS NULL), 0) AS awaiting_confirmation_pence,
             coalesce(sum(v.cost_pence) FILTER (WHERE vc.status = 'DISPUTED'), 0) AS disputed_pence,
             sum(${REVERSED})::bigint AS upheld_pence,
             coalesce(sum(pd.pence), 0)::bigint AS paid_pence,
             bool_or(v.below_minimum_price) AS below_minimum_price
      FROM ${visits}
      JOIN bookings bk ON bk.id = v.booking_id
      JOIN clients c ON c.id = bk.client_id
      LEFT JOIN group_bookings gb ON gb.id = bk.group_booking_id
      LEFT JOIN visit_confirmations vc ON vc.visit_id = v.id
      LEFT JOIN LATERAL (SELECT sum(amount_pence) AS pence FROM visit_corrections WHERE visit_id = v.id) cr ON true
      -- The statement's status as a scalar subquery, so that the visit's lines are found first, by their index.
      LEFT JOIN LATERAL (SELECT sum(l.amount_pence) AS pence FROM statement_lines l
                         WHERE l.subject_visit_id = v.id AND (SELECT s.status FROM provider_statements s WHERE s.id = l.statement_id) = 'PAID') pd ON true
      WHERE v.status = 'DELIVERED' AND ${where}
      GROUP BY v.booking_id, 2, 3, bk.budget_id, bk.funding_body_code`;
}

/** The visits of the keys in `keys` (a FROM item yielding k with booking_id and month). */
export function visitsOfKeys(keys: string): string {
  return `${keys} JOIN visits v ON v.booking_id = k.booking_id AND v.starts_at >= ${dayStart("k.month")} AND v.starts_at < ${dayStart("(k.month + interval '1 month')")}`;
}

/**
 * One refresh step: takes up to $1 queued changes (the oldest), and replaces the facts of their keys
 * with what the source tables say now, in one statement and so one snapshot. The queue rows it takes
 * were committed with their changes, so the snapshot holds every change they stand for; a change
 * committed later left its own row, for a later step. A key whose visits all left (a delivery
 * undone) loses its facts.
 */
export const REFRESH_STEP = `
  WITH taken AS (
    DELETE FROM report_fact_changes WHERE id IN (SELECT id FROM report_fact_changes ORDER BY id LIMIT $1) RETURNING booking_id, month
  ),
  keys AS (SELECT DISTINCT booking_id, month FROM taken),
  fresh AS (${factsOf(visitsOfKeys("keys k"), "true")}),
  stale AS (
    DELETE FROM report_facts f USING keys k
    WHERE f.booking_id = k.booking_id AND f.month = k.month
      AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.booking_id = f.booking_id AND fresh.month = f.month AND fresh.age_band = f.age_band)
  ),
  stored AS (
    INSERT INTO report_facts (${FACT_COLUMNS.join(", ")}) SELECT ${FACT_COLUMNS.join(", ")} FROM fresh
    ON CONFLICT (booking_id, month, age_band) DO UPDATE SET ${FACT_COLUMNS.slice(3)
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(", ")}
  )
  SELECT (SELECT count(*) FROM taken)::int AS taken, (SELECT count(*) FROM keys)::int AS keys`;
