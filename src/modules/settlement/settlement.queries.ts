/** The payment run's SQL: what is due to whom, gathered into statement lines in one statement. */
import { initialsSql } from "./settlement.rules";

/**
 * Every confirmed visit of the funding body ($1) delivered on or before the day ($2, London) that
 * is on no statement yet, net of an upheld dispute; and every correction on no statement yet
 * (negative), of visits already paid or paid now. Who pays: the holder of a direct payment, or
 * the funding body. Columns: those of statement_lines, with provider_id and holder_client_id for
 * the statement.
 */
export const DUE_LINES = `
  WITH holders AS (
    SELECT id, ${initialsSql("display_name")} AS initials FROM clients WHERE funding_body_code = $1
  ),
  due_visits AS (
    SELECT v.id AS visit_id, NULL::uuid AS correction_id, v.id AS subject_visit_id, b.provider_id,
           CASE WHEN bu.management = 'DIRECT_PAYMENT' THEN b.client_id END AS holder_client_id,
           h.initials AS client_initials, (v.starts_at AT TIME ZONE 'Europe/London')::date AS delivered_on,
           v.units - c.upheld_units AS units, b.unit_price_pence, v.cost_pence - c.upheld_pence AS amount_pence
    FROM visit_confirmations c
    JOIN visits v ON v.id = c.visit_id AND v.starts_at = c.visit_starts_at
    JOIN bookings b ON b.id = v.booking_id
    JOIN budgets bu ON bu.id = b.budget_id
    JOIN holders h ON h.id = b.client_id
    WHERE b.funding_body_code = $1 AND c.status IN ('CONFIRMED', 'REJECTED', 'UPHELD') AND v.cost_pence > c.upheld_pence
      AND v.starts_at < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/London')
      AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.visit_id = v.id)
  ),
  due_corrections AS (
    SELECT NULL::uuid AS visit_id, k.id AS correction_id, v.id AS subject_visit_id, b.provider_id,
           CASE WHEN bu.management = 'DIRECT_PAYMENT' THEN b.client_id END AS holder_client_id,
           h.initials AS client_initials, (v.starts_at AT TIME ZONE 'Europe/London')::date AS delivered_on,
           k.units, b.unit_price_pence, -k.amount_pence AS amount_pence
    FROM visit_corrections k
    JOIN visits v ON v.id = k.visit_id
    JOIN bookings b ON b.id = v.booking_id
    JOIN budgets bu ON bu.id = b.budget_id
    JOIN holders h ON h.id = b.client_id
    WHERE b.funding_body_code = $1
      AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.correction_id = k.id)
      AND (EXISTS (SELECT 1 FROM statement_lines l WHERE l.visit_id = v.id) OR v.id IN (SELECT visit_id FROM due_visits))
  )
  SELECT * FROM due_visits UNION ALL SELECT * FROM due_corrections`;

/** The holder of the funding body's own statements, for grouping and joining on equality. */
const NO_HOLDER = "00000000-0000-0000-0000-000000000000";

/**
 * The whole gathering in one statement ($1 funding body, $2 day, $3 the run, inserted before): the
 * due lines once, grouped into one statement per provider and payer (with their totals), the
 * statements and then every line inserted, joined on equality (a hash join over 100,000 lines).
 * Answers the counts and totals for the run's row; no statement at all means nothing was due.
 */
export const GATHER = `
  WITH due AS MATERIALIZED (${DUE_LINES}),
  groups AS MATERIALIZED (
    SELECT gen_random_uuid() AS id, provider_id, holder_client_id, min(delivered_on) AS first_day, sum(amount_pence) AS total, count(*) AS lines
    FROM due GROUP BY provider_id, holder_client_id
  ),
  statements AS (
    INSERT INTO provider_statements (id, payment_run_id, provider_id, funding_body_code, payer, holder_client_id, period_start, period_end, status, total_pence, line_count)
    SELECT id, $3, provider_id, $1, CASE WHEN holder_client_id IS NULL THEN 'FUNDING_BODY' ELSE 'BUDGET_HOLDER' END::statement_payer,
           holder_client_id, first_day, $2, 'ISSUED', total, lines
    FROM groups
    RETURNING payer, total_pence, line_count
  ),
  lines AS (
    INSERT INTO statement_lines (id, statement_id, visit_id, correction_id, subject_visit_id, client_initials, delivered_on, units, unit_price_pence, amount_pence)
    SELECT gen_random_uuid(), g.id, d.visit_id, d.correction_id, d.subject_visit_id, d.client_initials, d.delivered_on, d.units, d.unit_price_pence, d.amount_pence
    FROM due d
    JOIN groups g ON g.provider_id = d.provider_id AND coalesce(g.holder_client_id, '${NO_HOLDER}') = coalesce(d.holder_client_id, '${NO_HOLDER}')
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM statements)::int AS statements, (SELECT count(*) FROM lines)::int AS lines,
         (SELECT coalesce(sum(total_pence), 0) FROM statements)::int8 AS total,
         (SELECT coalesce(sum(total_pence) FILTER (WHERE payer = 'FUNDING_BODY'), 0) FROM statements)::int8 AS funding_body`;
