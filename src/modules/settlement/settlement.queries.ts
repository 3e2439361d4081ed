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
    JOIN visits v ON v.id = c.visit_id
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

/** Inserts the due lines ($1 funding body, $2 day) onto the run's ($3) statements, matched by provider and holder. */
export const INSERT_LINES = `
  INSERT INTO statement_lines (id, statement_id, visit_id, correction_id, subject_visit_id, client_initials, delivered_on, units, unit_price_pence, amount_pence)
  SELECT gen_random_uuid(), s.id, d.visit_id, d.correction_id, d.subject_visit_id, d.client_initials, d.delivered_on, d.units, d.unit_price_pence, d.amount_pence
  FROM (${DUE_LINES}) d
  JOIN provider_statements s ON s.payment_run_id = $3 AND s.provider_id = d.provider_id AND s.holder_client_id IS NOT DISTINCT FROM d.holder_client_id`;

/** Each statement's (of run $1) total, line count and first day, from its lines. */
export const TOTAL_STATEMENTS = `
  UPDATE provider_statements s SET total_pence = l.total, line_count = l.lines, period_start = l.first
  FROM (SELECT statement_id, sum(amount_pence) AS total, count(*) AS lines, min(delivered_on) AS first
        FROM statement_lines WHERE statement_id IN (SELECT id FROM provider_statements WHERE payment_run_id = $1)
        GROUP BY statement_id) l
  WHERE s.id = l.statement_id`;
