/**
 * One database per jest worker, cloned from the migrated template (a file copy, fast), and
 * truncated before each test: every test starts from the reference data alone.
 */
import type { DataSource } from "typeorm";
import { isViolation, PgCode } from "../../src/shared/db";
import { databaseUrl, ensureDatabase } from "../../src/shared/embedded-postgres";

/** Tables seeded by migrations: kept across tests. */
const REFERENCE_TABLES = new Set(["service_categories", "funding_bodies", "migrations"]);

function settings(): { serverUrl: string; prefix: string } {
  const { TEST_POSTGRES_URL, TEST_DATABASE_PREFIX } = process.env;
  if (!TEST_POSTGRES_URL || !TEST_DATABASE_PREFIX) throw new Error("Run the api tests through jest: test/global-setup.ts prepares the database.");
  return { serverUrl: TEST_POSTGRES_URL, prefix: TEST_DATABASE_PREFIX };
}

export async function workerDatabaseUrl(): Promise<string> {
  const { serverUrl, prefix } = settings();
  const name = `${prefix}w${process.env.JEST_WORKER_ID ?? "1"}`;
  await ensureDatabase(serverUrl, name, `${prefix}template`);
  return databaseUrl(serverUrl, name);
}

/** A fresh database URL for tests that need one of their own (migrations). */
export async function scratchDatabaseUrl(suffix: string, template?: "template"): Promise<string> {
  const { serverUrl, prefix } = settings();
  const name = `${prefix}${suffix}_${process.env.JEST_WORKER_ID ?? "1"}`;
  await ensureDatabase(serverUrl, name, template ? `${prefix}template` : undefined);
  return databaseUrl(serverUrl, name);
}

/** More than ever needed: a job's statement takes milliseconds, and the second try finds it gone. */
const RESET_ATTEMPTS = 5;

/**
 * Empties the worker's database. An API process's background job (the confirmation job, run at
 * start by the scale-out tests' child servers) can lock the same tables in another order than
 * TRUNCATE does; PostgreSQL then aborts one of the two as a deadlock, undoing all of it, and the
 * reset is simply tried again.
 */
export async function resetDb(db: DataSource): Promise<void> {
  const tables = db.entityMetadatas.map((m) => m.tableName).filter((t) => !REFERENCE_TABLES.has(t));
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(", ")} RESTART IDENTITY CASCADE`);
      break;
    } catch (error) {
      if (!isViolation(error, PgCode.DEADLOCK_DETECTED) || attempt === RESET_ATTEMPTS) throw error;
    }
  }
  // Reference rows stay, but settings a test changed (a funding body's thresholds) go back to their defaults.
  for (const metadata of db.entityMetadatas.filter((m) => REFERENCE_TABLES.has(m.tableName))) {
    const settings = metadata.columns.filter((c) => c.default !== undefined);
    if (settings.length) await db.query(`UPDATE "${metadata.tableName}" SET ${settings.map((c) => `"${c.databaseName}" = DEFAULT`).join(", ")}`);
  }
}
