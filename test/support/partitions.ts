import type { DataSource } from "typeorm";

/**
 * The months the tests' clocks live in hold nearly every row they make; the rest land in the
 * default partition, as they would in production before the partitions job has made their month.
 * The migration made two years of months around today, which would make the tests depend on the
 * date they run; and each month is a dozen relations that every test's TRUNCATE empties again
 * (230 ms a reset with 25 months, 70 ms with three).
 */
const TEST_MONTHS = ["2026-03-01", "2026-04-01", "2026-05-01"];

/** Leaves `visits` and `ledger_entries` with the test months alone (and their default partitions); the months dropped must be empty. */
export async function keepTestMonths(db: DataSource): Promise<void> {
  for (const parent of ["visits", "ledger_entries"]) {
    const kept = [`${parent}_default`, ...TEST_MONTHS.map((m) => `${parent}_${m.slice(0, 4)}_${m.slice(5, 7)}`)];
    const months: { name: string }[] = await db.query(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass AND c.relname <> ALL ($2)",
      [parent, kept],
    );
    for (const { name } of months) {
      await db.query(`ALTER TABLE "${parent}" DETACH PARTITION "${name}"`);
      await db.query(`DROP TABLE "${name}"`);
    }
    // Months a test detached are tables of their own now.
    const detached: { name: string }[] = await db.query(
      "SELECT relname AS name FROM pg_class WHERE relname ~ ('^' || $1 || '_[0-9]{4}_[0-9]{2}$') AND relkind = 'r' AND NOT relispartition",
      [parent],
    );
    for (const { name } of detached) await db.query(`DROP TABLE "${name}"`);
    for (const month of TEST_MONTHS) await db.query("SELECT month_partition($1, $2::date)", [parent, month]);
  }
}
