import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The efficiency report's monthly facts (issue #12: the report over a million visits in under a
 * second). `report_facts` holds, per booking, London month and age band, the sums the report reads
 * from delivered visits and their settlement; `report_fact_changes` is the queue of (booking,
 * month) keys whose facts are out of date. Statement triggers on every table a fact is computed
 * from append the keys a change touches, in the change's own transaction: a plain INSERT, which
 * never waits on another writer. The reports module's refresh job recomputes queued keys from the
 * source tables; until it has, the report computes those keys live, so it is exact at every moment.
 * Neither table is an entity: only the triggers and the refresh job write them. Every delivered
 * visit's key is queued here, so the first refresh builds the facts of the data already present.
 */
export class ReportFacts1795557000000 implements MigrationInterface {
  name = "ReportFacts1795557000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "report_facts" (
      "booking_id" uuid NOT NULL,
      "month" date NOT NULL,
      "age_band" varchar(16) NOT NULL,
      "budget_id" uuid NOT NULL,
      "funding_body_code" varchar(9) NOT NULL,
      "visits" integer NOT NULL,
      "cost_pence" bigint NOT NULL,
      "sourced_pence" bigint NOT NULL,
      "reference_pence" bigint NOT NULL,
      "saving_pence" bigint NOT NULL,
      "premium_pence" bigint NOT NULL,
      "returned_pence" bigint NOT NULL,
      "visits_without_reference" integer NOT NULL,
      "spend_without_reference_pence" bigint NOT NULL,
      "visits_with_fallback_reference" integer NOT NULL,
      "fallback_reference_spend_pence" bigint NOT NULL,
      "pooling_saving_pence" bigint NOT NULL,
      "confirmed_pence" bigint NOT NULL,
      "awaiting_confirmation_pence" bigint NOT NULL,
      "disputed_pence" bigint NOT NULL,
      "upheld_pence" bigint NOT NULL,
      "paid_pence" bigint NOT NULL,
      "below_minimum_price" boolean NOT NULL,
      CONSTRAINT "pk_report_facts" PRIMARY KEY ("booking_id", "month", "age_band"),
      CONSTRAINT "fk_report_facts_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE CASCADE,
      CONSTRAINT "chk_report_facts_month" CHECK (extract(day FROM "month") = 1))`);
    await q.query(`CREATE INDEX "idx_report_facts_funding_body_code_month" ON "report_facts" ("funding_body_code", "month")`);
    await q.query(`CREATE INDEX "idx_report_facts_budget_id" ON "report_facts" ("budget_id")`);
    await q.query(`CREATE TABLE "report_fact_changes" (
      "id" bigserial NOT NULL,
      "booking_id" uuid NOT NULL,
      "month" date NOT NULL,
      CONSTRAINT "pk_report_fact_changes" PRIMARY KEY ("id"),
      CONSTRAINT "fk_report_fact_changes_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "idx_report_fact_changes_key" ON "report_fact_changes" ("booking_id", "month")`);

    // Each function queues the (booking, London month) of the delivered visits its statement touched.
    await q.query(`CREATE FUNCTION report_month(at timestamptz) RETURNS date LANGUAGE sql STABLE AS
      $$ SELECT date_trunc('month', at AT TIME ZONE 'Europe/London')::date $$`);
    await q.query(queueing("report_facts_visits_changed", (rows) => `SELECT DISTINCT booking_id, report_month(starts_at) FROM ${rows} WHERE status = 'DELIVERED'`));
    // Settlement rows name their visit: confirmations and corrections by visit_id.
    await q.query(
      queueing("report_facts_visit_rows_changed", (rows) => `SELECT DISTINCT v.booking_id, report_month(v.starts_at) FROM ${rows} r JOIN visits v ON v.id = r.visit_id`),
    );
    // A line counts as paid once its statement is PAID: lines of statements not yet paid change nothing.
    await q.query(
      queueing(
        "report_facts_statement_lines_changed",
        (rows) => `SELECT DISTINCT v.booking_id, report_month(v.starts_at) FROM ${rows} r
    JOIN provider_statements s ON s.id = r.statement_id AND s.status = 'PAID' JOIN visits v ON v.id = r.subject_visit_id`,
      ),
    );
    // A statement paid (or no longer): its lines' visits. The rows are not joined old to new, which a
    // plan made for one row would do by nested loop over a payment run's thousands of statements.
    await q.query(`CREATE FUNCTION report_facts_statements_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_fact_changes (booking_id, month)
  SELECT DISTINCT v.booking_id, report_month(v.starts_at)
  FROM (SELECT id FROM report_new_rows WHERE status = 'PAID' UNION SELECT id FROM report_old_rows WHERE status = 'PAID') s
  JOIN statement_lines l ON l.statement_id = s.id JOIN visits v ON v.id = l.subject_visit_id;
  RETURN NULL;
END $$`);
    // A client's date of birth places their visits in an age band; a session's price, its residents'
    // pooling saving. Both change rarely, one row at a time: row triggers, fired only when they change.
    await q.query(`CREATE FUNCTION report_facts_client_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_fact_changes (booking_id, month)
  SELECT DISTINCT v.booking_id, report_month(v.starts_at) FROM bookings bk JOIN visits v ON v.booking_id = bk.id AND v.status = 'DELIVERED'
  WHERE bk.client_id = NEW.id;
  RETURN NULL;
END $$`);
    await q.query(`CREATE FUNCTION report_facts_group_booking_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_fact_changes (booking_id, month)
  SELECT DISTINCT v.booking_id, report_month(v.starts_at) FROM bookings bk JOIN visits v ON v.booking_id = bk.id AND v.status = 'DELIVERED'
  WHERE bk.group_booking_id = NEW.id;
  RETURN NULL;
END $$`);

    for (const [table, fn] of [
      ["visits", "report_facts_visits_changed"],
      ["visit_confirmations", "report_facts_visit_rows_changed"],
      ["visit_corrections", "report_facts_visit_rows_changed"],
      ["statement_lines", "report_facts_statement_lines_changed"],
    ]) {
      // Transition tables allow one event per trigger.
      await q.query(`CREATE TRIGGER "trg_${table}_report_insert" AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
      await q.query(
        `CREATE TRIGGER "trg_${table}_report_update" AFTER UPDATE ON "${table}" REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
      await q.query(`CREATE TRIGGER "trg_${table}_report_delete" AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS report_old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`);
    }
    await q.query(
      `CREATE TRIGGER "trg_provider_statements_report_update" AFTER UPDATE ON "provider_statements" REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_facts_statements_changed()`,
    );
    await q.query(
      `CREATE TRIGGER "trg_clients_report_update" AFTER UPDATE OF "date_of_birth" ON "clients" FOR EACH ROW WHEN (OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth) EXECUTE FUNCTION report_facts_client_changed()`,
    );
    await q.query(
      `CREATE TRIGGER "trg_group_bookings_report_update" AFTER UPDATE OF "session_price_pence" ON "group_bookings" FOR EACH ROW WHEN (OLD.session_price_pence IS DISTINCT FROM NEW.session_price_pence) EXECUTE FUNCTION report_facts_group_booking_changed()`,
    );
    await q.query(`INSERT INTO report_fact_changes (booking_id, month) SELECT DISTINCT booking_id, report_month(starts_at) FROM visits WHERE status = 'DELIVERED'`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ["provider_statements", "clients", "group_bookings"]) await q.query(`DROP TRIGGER "trg_${table}_report_update" ON "${table}"`);
    for (const table of ["visits", "visit_confirmations", "visit_corrections", "statement_lines"]) {
      for (const event of ["insert", "update", "delete"]) await q.query(`DROP TRIGGER "trg_${table}_report_${event}" ON "${table}"`);
    }
    for (const fn of [
      "report_facts_group_booking_changed",
      "report_facts_client_changed",
      "report_facts_statements_changed",
      "report_facts_statement_lines_changed",
      "report_facts_visit_rows_changed",
      "report_facts_visits_changed",
    ]) {
      await q.query(`DROP FUNCTION ${fn}()`);
    }
    await q.query(`DROP FUNCTION report_month(timestamptz)`);
    await q.query(`DROP TABLE "report_fact_changes"`);
    await q.query(`DROP TABLE "report_facts"`);
  }
}

/**
 * A statement trigger's function that queues the keys `keysOf` selects from the statement's new rows
 * (INSERT, UPDATE) and old rows (UPDATE, DELETE): the transition tables its triggers name.
 */
function queueing(name: string, keysOf: (rows: string) => string): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO report_fact_changes (booking_id, month) ${keysOf("report_new_rows")};
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO report_fact_changes (booking_id, month) ${keysOf("report_old_rows")};
  END IF;
  RETURN NULL;
END $$`;
}
