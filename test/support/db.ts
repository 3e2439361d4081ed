/**
 * One database per jest worker, cloned from the migrated template (a file copy, fast), and
 * truncated before each test: every test starts from the reference data alone.
 */
import type { DataSource } from "typeorm";
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

export async function resetDb(db: DataSource): Promise<void> {
  const tables = db.entityMetadatas.map((m) => m.tableName).filter((t) => !REFERENCE_TABLES.has(t));
  await db.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(", ")} RESTART IDENTITY CASCADE`);
  // Reference rows stay, but settings a test changed (a funding body's thresholds) go back to their defaults.
  for (const metadata of db.entityMetadatas.filter((m) => REFERENCE_TABLES.has(m.tableName))) {
    const settings = metadata.columns.filter((c) => c.default !== undefined);
    if (settings.length) await db.query(`UPDATE "${metadata.tableName}" SET ${settings.map((c) => `"${c.databaseName}" = DEFAULT`).join(", ")}`);
  }
}
