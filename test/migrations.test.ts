import { createDataSource } from "../ormconfig";
import { migrations } from "../migrations";
import { newId } from "../src/shared/ids";
import { scratchDatabaseUrl } from "./support/db";
import { aBookingRow, aBudget, aClient, aPersonalAssistant } from "./support/factories";

describe("migrations", () => {
  it("build from nothing exactly the schema the entities describe", async () => {
    const db = createDataSource({ url: await scratchDatabaseUrl("migrations_drift"), poolSize: 1 });
    await db.initialize();
    try {
      expect((await db.runMigrations()).length).toBe(migrations.length);
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it("can revert the latest migration and apply it again", async () => {
    const db = createDataSource({ url: await scratchDatabaseUrl("migrations_revert"), poolSize: 1 });
    await db.initialize();
    try {
      await db.runMigrations();
      await db.undoLastMigration();
      expect(await db.showMigrations()).toBe(true);
      expect((await db.runMigrations()).map((m) => m.name)).toEqual([migrations.at(-1)!.name]);
      expect(await db.showMigrations()).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  it("partitioning moves every visit and ledger entry into its month, and reverting moves them back", async () => {
    const db = createDataSource({ url: await scratchDatabaseUrl("migrations_partitions"), poolSize: 1 });
    await db.initialize();
    try {
      await db.runMigrations();
      await db.undoLastMigration();
      // Rows as the schema before MonthlyPartitions held them: a personal assistant's visits in April,
      // May and years ahead (past the months made), one confirmed and corrected, ledger entries of two months.
      const budget = await aBudget(db, await aClient(db));
      const pa = await aPersonalAssistant(db);
      const booking = await aBookingRow(db, budget, pa.listing, pa.user);
      const [{ id: may }]: { id: string }[] = await db.query("SELECT id FROM visits WHERE booking_id = $1", [booking.id]);
      const [april, later] = [newId(), newId()];
      for (const [id, startsAt, status] of [
        [april, "2026-04-06T09:00:00Z", "DELIVERED"],
        [later, "2031-01-06T09:00:00Z", "SCHEDULED"],
      ]) {
        await db.query(
          `INSERT INTO visits (id, booking_id, provider_id, single_person, starts_at, ends_at, units, cost_pence, status)
           VALUES ($1, $2, $3, true, $4, $4::timestamptz + interval '1 hour', 1, 1500, $5)`,
          [id, booking.id, pa.provider.id, startsAt, status],
        );
      }
      await db.query("INSERT INTO visit_confirmations (visit_id, status, at) VALUES ($1, 'CONFIRMED', '2026-04-07T09:00:00Z')", [april]);
      await db.query(
        "INSERT INTO visit_corrections (id, visit_id, units, amount_pence, reason, by_user_id, at) VALUES ($1, $2, 0.5, 750, 'Half an hour', $3, now())",
        [newId(), april, pa.user.id],
      );
      await db.query("INSERT INTO ledger_entries (id, budget_id, kind, amount_pence, occurred_at) VALUES ($1, $2, 'SPEND', 1500, '2026-04-06T10:00:00Z')", [
        newId(),
        budget.id,
      ]);
      const rows = async () => ({
        visits: await db.query("SELECT * FROM visits ORDER BY id"),
        ledger: await db.query("SELECT * FROM ledger_entries ORDER BY id"),
        confirmations: await db.query("SELECT visit_id, status, at FROM visit_confirmations ORDER BY visit_id"),
        corrections: await db.query("SELECT * FROM visit_corrections ORDER BY id"),
      });
      const before = await rows();

      await db.runMigrations();
      expect(await rows()).toEqual(before);
      const months: { id: string; month: string }[] = await db.query("SELECT id, tableoid::regclass::text AS month FROM visits");
      expect(Object.fromEntries(months.map((m) => [m.id, m.month]))).toEqual({ [april]: "visits_2026_04", [may]: "visits_2026_05", [later]: "visits_2031_01" });
      expect(await db.query("SELECT tableoid::regclass::text AS month, kind FROM ledger_entries ORDER BY occurred_at")).toEqual([
        { month: "ledger_entries_2026_04", kind: "SPEND" },
        { month: expect.stringMatching(/^ledger_entries_\d{4}_\d{2}$/), kind: "ALLOCATION" },
      ]);
      // The personal assistant's two active visits have their slots; the May visit is no single person's.
      expect(await db.query("SELECT visit_id FROM visit_slots ORDER BY visit_id")).toEqual([april, later].sort().map((id) => ({ visit_id: id })));
      expect(await db.query("SELECT visit_starts_at = '2026-04-06T09:00:00Z' AS kept FROM visit_confirmations")).toEqual([{ kept: true }]);

      await db.undoLastMigration();
      expect(await rows()).toEqual(before);
      expect(await db.query("SELECT conname FROM pg_constraint WHERE conrelid = 'visits'::regclass AND contype = 'x'")).toEqual([
        { conname: "excl_visits_single_person_overlap" },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
