import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * `visits` and `ledger_entries` partitioned by London month (issue #16: tables that grow), with the
 * rows moved: visits by `starts_at`, ledger entries by `occurred_at`. A month is one table, so a
 * year's archive is a DETACH of its months, and a query bounded in time reads only its months.
 *
 * What partitioning asks of the schema:
 * - A partitioned table's keys hold its partition key: visits are keyed (id, starts_at) and ledger
 *   entries (id, occurred_at). A visit's confirmation carries its start beside its id, so its
 *   foreign key stays; corrections and statement lines, which are only ever of confirmed visits,
 *   point at the confirmation. A visit's start never changes once it is placed.
 * - PostgreSQL 15 has no exclusion constraint on a partitioned table, and one per month could not
 *   see two visits overlapping across midnight at a month's end. The personal assistants' rule
 *   moves to `visit_slots`, one row per active visit of a single person, kept by a trigger in the
 *   visit's own statement; the constraint keeps its name, so SLOT_TAKEN is found as before.
 * - `month_partition(parent, month)` creates a month, moving into it the rows of that month that
 *   the default partition caught. The default partition keeps an insert from ever failing for want
 *   of a month; the partitions job (src/shared/partitions.ts) creates the months ahead of need.
 */
export class MonthlyPartitions1795558000000 implements MigrationInterface {
  name = "MonthlyPartitions1795558000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(MONTH_PARTITION);
    await q.query(DETACH_MONTHS);
    for (const [table, column] of REFERENCING) await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "fk_${table}_${column}"`);

    await partition(q, "visits", "starts_at", VISITS_KEYS, VISITS_INDEXES);
    await q.query(`ALTER TABLE "visits" ADD CONSTRAINT "pk_visits" PRIMARY KEY ("id", "starts_at")`);
    for (const fk of VISITS_FOREIGN_KEYS) await q.query(`ALTER TABLE "visits" ADD ${fk}`);
    for (const event of ["insert", "update", "delete"]) await q.query(REPORT_TRIGGERS[event]);

    await q.query(`CREATE TABLE "visit_slots" (
      "visit_id" uuid NOT NULL,
      "provider_id" uuid NOT NULL,
      "during" tstzrange NOT NULL,
      CONSTRAINT "pk_visit_slots" PRIMARY KEY ("visit_id"),
      CONSTRAINT "fk_visit_slots_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE CASCADE,
      CONSTRAINT "excl_visits_single_person_overlap" EXCLUDE USING gist ("provider_id" WITH =, "during" WITH &&))`);
    await q.query(`INSERT INTO "visit_slots" (visit_id, provider_id, during)
      SELECT id, provider_id, tstzrange(starts_at, ends_at, '[)') FROM visits WHERE ${ACTIVE_SINGLE_PERSON}`);
    await q.query(VISIT_SLOTS_CHANGED);
    for (const [event, rows] of SLOT_TRIGGER_ROWS) {
      await q.query(`CREATE TRIGGER "trg_visits_slots_${event}" AFTER ${event.toUpperCase()} ON "visits" REFERENCING ${rows} FOR EACH STATEMENT EXECUTE FUNCTION visit_slots_changed()`);
    }

    await q.query(`ALTER TABLE "visit_confirmations" ADD "visit_starts_at" TIMESTAMP WITH TIME ZONE`);
    // The start is no fact the report reads: its triggers need not hear of the backfill.
    await q.query(`ALTER TABLE "visit_confirmations" DISABLE TRIGGER "trg_visit_confirmations_report_update"`);
    await q.query(`UPDATE "visit_confirmations" c SET "visit_starts_at" = v.starts_at FROM visits v WHERE v.id = c.visit_id`);
    await q.query(`ALTER TABLE "visit_confirmations" ENABLE TRIGGER "trg_visit_confirmations_report_update"`);
    await q.query(`ALTER TABLE "visit_confirmations" ALTER COLUMN "visit_starts_at" SET NOT NULL`);
    await q.query(
      `ALTER TABLE "visit_confirmations" ADD CONSTRAINT "fk_visit_confirmations_visit_id_visit_starts_at" FOREIGN KEY ("visit_id", "visit_starts_at") REFERENCES "visits"("id", "starts_at") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    for (const [table, column] of CONFIRMED) {
      await q.query(
        `ALTER TABLE "${table}" ADD CONSTRAINT "fk_${table}_${column}" FOREIGN KEY ("${column}") REFERENCES "visit_confirmations"("visit_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      );
    }

    await partition(q, "ledger_entries", "occurred_at", LEDGER_KEYS, LEDGER_INDEXES);
    await q.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "pk_ledger_entries" PRIMARY KEY ("id", "occurred_at")`);
    for (const fk of LEDGER_FOREIGN_KEYS) await q.query(`ALTER TABLE "ledger_entries" ADD ${fk}`);
    await q.query(LEDGER_IMMUTABLE);
    // New tables have no statistics, and autovacuum never analyzes a partitioned parent as a whole.
    await q.query(`ANALYZE "visits", "ledger_entries", "visit_slots"`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await unpartition(q, "ledger_entries", LEDGER_KEYS, LEDGER_INDEXES);
    await q.query(`ALTER TABLE "ledger_entries" ADD CONSTRAINT "pk_ledger_entries" PRIMARY KEY ("id")`);
    for (const fk of LEDGER_FOREIGN_KEYS) await q.query(`ALTER TABLE "ledger_entries" ADD ${fk}`);
    await q.query(LEDGER_IMMUTABLE);

    for (const [table, column] of CONFIRMED) await q.query(`ALTER TABLE "${table}" DROP CONSTRAINT "fk_${table}_${column}"`);
    await q.query(`ALTER TABLE "visit_confirmations" DROP COLUMN "visit_starts_at"`);
    await q.query(`DROP TABLE "visit_slots"`);
    await unpartition(q, "visits", VISITS_KEYS, VISITS_INDEXES);
    await q.query(`DROP FUNCTION visit_slots_changed()`);
    await q.query(`ALTER TABLE "visits" ADD CONSTRAINT "pk_visits" PRIMARY KEY ("id")`);
    await q.query(
      `ALTER TABLE "visits" ADD CONSTRAINT "excl_visits_single_person_overlap" EXCLUDE USING gist ("provider_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&) WHERE (${ACTIVE_SINGLE_PERSON})`,
    );
    for (const fk of VISITS_FOREIGN_KEYS) await q.query(`ALTER TABLE "visits" ADD ${fk}`);
    for (const event of ["insert", "update", "delete"]) await q.query(REPORT_TRIGGERS[event]);
    for (const [table, column] of REFERENCING) {
      await q.query(`ALTER TABLE "${table}" ADD CONSTRAINT "fk_${table}_${column}" FOREIGN KEY ("${column}") REFERENCES "visits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    }
    await q.query(`DROP FUNCTION detach_months(regclass, date)`);
    await q.query(`DROP FUNCTION month_partition(regclass, date)`);
  }
}

/** The foreign keys that pointed at visits: (table, column). */
const REFERENCING = [
  ["visit_confirmations", "visit_id"],
  ["visit_corrections", "visit_id"],
  ["statement_lines", "subject_visit_id"],
] as const;

/**
 * Those that point at the visit's confirmation instead: a correction's visit and a statement
 * line's are always confirmed ones. A foreign key into a partitioned table costs a run-time
 * pruned probe per row (3.2 s for a payment run's 100,000 lines over 26 months, against 0.08 s
 * into the unpartitioned confirmations), and the confirmation holds the visit's whole key.
 */
const CONFIRMED = REFERENCING.slice(1);

const ACTIVE_SINGLE_PERSON = `"single_person" AND "status" IN ('SCHEDULED', 'DELIVERED')`;

/** Constraints and indexes that name themselves schema-wide: dropped from the old table before the new one takes the names. */
const VISITS_KEYS = ["pk_visits", "excl_visits_single_person_overlap"];
const VISITS_INDEXES = [
  `"idx_visits_booking_id_starts_at" ON "visits" ("booking_id", "starts_at", "id")`,
  `"idx_visits_reference_rate_id" ON "visits" ("reference_rate_id")`,
  `"idx_visits_delivered_starts_at" ON "visits" ("starts_at") WHERE status = 'DELIVERED'`,
  `"idx_visits_delivered_recorded_at" ON "visits" ("recorded_at") WHERE status = 'DELIVERED'`,
];
const VISITS_FOREIGN_KEYS = [
  `CONSTRAINT "fk_visits_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `CONSTRAINT "fk_visits_provider_id" FOREIGN KEY ("provider_id") REFERENCES "providers"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `CONSTRAINT "fk_visits_recorded_by_user_id" FOREIGN KEY ("recorded_by_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `CONSTRAINT "fk_visits_reference_rate_id" FOREIGN KEY ("reference_rate_id") REFERENCES "reference_rates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
];
const LEDGER_KEYS = ["pk_ledger_entries"];
const LEDGER_INDEXES = [`"idx_ledger_entries_booking_id" ON "ledger_entries" ("booking_id")`, `"idx_ledger_entries_budget_id_id" ON "ledger_entries" ("budget_id", "id")`];
const LEDGER_FOREIGN_KEYS = [
  `CONSTRAINT "fk_ledger_entries_budget_id" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `CONSTRAINT "fk_ledger_entries_booking_id" FOREIGN KEY ("booking_id") REFERENCES "bookings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `CONSTRAINT "fk_ledger_entries_actor_user_id" FOREIGN KEY ("actor_user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
];
const LEDGER_IMMUTABLE = `CREATE TRIGGER trg_ledger_entries_immutable BEFORE UPDATE OR DELETE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION ledger_entries_are_immutable()`;

/** The report facts' triggers on visits (migration ReportFacts), put back on the new table. */
const REPORT_TRIGGERS: Record<string, string> = {
  insert: `CREATE TRIGGER "trg_visits_report_insert" AFTER INSERT ON "visits" REFERENCING NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_facts_visits_changed()`,
  update: `CREATE TRIGGER "trg_visits_report_update" AFTER UPDATE ON "visits" REFERENCING OLD TABLE AS report_old_rows NEW TABLE AS report_new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_facts_visits_changed()`,
  delete: `CREATE TRIGGER "trg_visits_report_delete" AFTER DELETE ON "visits" REFERENCING OLD TABLE AS report_old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_facts_visits_changed()`,
};

/** The partitions made at once: every month that holds rows, the year past and the year ahead (then the job keeps a year ahead). */
const MONTHS_AROUND = 12;

/**
 * Replaces `table` by a table partitioned by month on `column`, with the same columns, defaults
 * and checks, its rows moved; the caller adds keys, foreign keys and triggers. Indexes are built
 * after the rows are in, which is faster than keeping them up to date row by row.
 */
async function partition(q: QueryRunner, table: string, column: string, keys: string[], indexes: string[]): Promise<void> {
  const old = `${table}_unpartitioned`;
  await q.query(`ALTER TABLE "${table}" RENAME TO "${old}"`);
  for (const key of keys) await q.query(`ALTER TABLE "${old}" DROP CONSTRAINT "${key}"`);
  for (const index of indexes) await q.query(`DROP INDEX ${index.split(" ON ")[0]}`);
  await q.query(`CREATE TABLE "${table}" (LIKE "${old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("${column}")`);
  await q.query(`CREATE TABLE "${table}_default" PARTITION OF "${table}" DEFAULT`);
  await q.query(
    `SELECT month_partition($1, m::date) FROM generate_series(
       least((SELECT min(report_month("${column}")) FROM "${old}"), report_month(now()) - interval '${MONTHS_AROUND} months')::timestamp,
       greatest((SELECT max(report_month("${column}")) FROM "${old}"), report_month(now()) + interval '${MONTHS_AROUND} months')::timestamp,
       interval '1 month') m`,
    [table],
  );
  await q.query(`INSERT INTO "${table}" SELECT * FROM "${old}"`);
  await q.query(`DROP TABLE "${old}"`);
  for (const index of indexes) await q.query(`CREATE INDEX ${index}`);
}

/** The reverse: one table again, with the rows; the caller adds keys, foreign keys and triggers. */
async function unpartition(q: QueryRunner, table: string, keys: string[], indexes: string[]): Promise<void> {
  const old = `${table}_partitioned`;
  await q.query(`ALTER TABLE "${table}" RENAME TO "${old}"`);
  for (const key of keys.filter((k) => k.startsWith("pk_"))) await q.query(`ALTER TABLE "${old}" DROP CONSTRAINT "${key}"`);
  for (const index of indexes) await q.query(`DROP INDEX ${index.split(" ON ")[0]}`);
  await q.query(`CREATE TABLE "${table}" (LIKE "${old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await q.query(`INSERT INTO "${table}" SELECT * FROM "${old}"`);
  await q.query(`DROP TABLE "${old}" CASCADE`);
  for (const index of indexes) await q.query(`CREATE INDEX ${index}`);
}

/**
 * Creates the partition of `parent` for the London month of `month` (named parent_YYYY_MM) unless
 * it exists, and answers its name (null: it existed). Rows of that month the default partition
 * caught move into it: out of the default partition directly, back in through the parent, so the
 * parent's triggers see them arrive. A row something still points at cannot move (its foreign key
 * refuses), nor can a ledger entry (append-only): the month is then not created, and the error says
 * why; those rows stay where they are, as correct as anywhere.
 */
const MONTH_PARTITION = `CREATE FUNCTION month_partition(parent regclass, month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', month)::date;
  name text := format('%s_%s', parent::text, to_char(first, 'YYYY_MM'));
  starts timestamptz := first::timestamp AT TIME ZONE 'Europe/London';
  ends timestamptz := (first + interval '1 month')::timestamp AT TIME ZONE 'Europe/London';
  key text := (SELECT a.attname FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partrelid = parent);
BEGIN
  IF to_regclass(name) IS NOT NULL THEN RETURN NULL; END IF;
  EXECUTE format('CREATE TEMP TABLE month_partition_rows (LIKE %s)', parent);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO month_partition_rows SELECT * FROM moved', parent::text || '_default', key, key)
    USING starts, ends;
  EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', name, parent, starts, ends);
  EXECUTE format('INSERT INTO %s SELECT * FROM month_partition_rows', parent);
  DROP TABLE month_partition_rows;
  RETURN name;
END $$`;

/**
 * Archiving in one statement: detaches every month of `parent` that ends on or before `before`
 * and answers their names, oldest first. Each is then a table of its own, to dump and drop. All
 * or nothing: a month of visits whose confirmations remain refuses (their foreign key), and so
 * does the statement.
 */
const DETACH_MONTHS = `CREATE FUNCTION detach_months(parent regclass, before date) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  month record;
BEGIN
  FOR month IN
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent AND NOT pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
      AND to_date(right(c.relname, 7), 'YYYY_MM') + interval '1 month' <= before
    ORDER BY c.relname
  LOOP
    EXECUTE format('ALTER TABLE %s DETACH PARTITION %I', parent, month.name);
    RETURN NEXT month.name;
  END LOOP;
END $$`;

/**
 * Keeps visit_slots in step with visits, in the statement that changes them: an active visit of a
 * single person has its slot, any other none. A slot already there for the visit stays (a visit
 * moved out of the default partition arrives again); one that no longer matches goes first.
 */
const VISIT_SLOTS_CHANGED = `CREATE FUNCTION visit_slots_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM visit_slots WHERE visit_id IN (SELECT id FROM slot_old_rows);
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM visit_slots s USING slot_new_rows v
    WHERE s.visit_id = v.id AND (NOT (v.single_person AND v.status IN ('SCHEDULED', 'DELIVERED')) OR s.provider_id <> v.provider_id OR s.during <> tstzrange(v.starts_at, v.ends_at, '[)'));
  END IF;
  INSERT INTO visit_slots (visit_id, provider_id, during)
  SELECT id, provider_id, tstzrange(starts_at, ends_at, '[)') FROM slot_new_rows WHERE ${ACTIVE_SINGLE_PERSON}
  ON CONFLICT (visit_id) DO NOTHING;
  RETURN NULL;
END $$`;

const SLOT_TRIGGER_ROWS = [
  ["insert", "NEW TABLE AS slot_new_rows"],
  ["update", "OLD TABLE AS slot_old_rows NEW TABLE AS slot_new_rows"],
  ["delete", "OLD TABLE AS slot_old_rows"],
] as const;
