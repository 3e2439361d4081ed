/**
 * Once per `jest` run: a PostgreSQL server (DATABASE_URL's, or an embedded one in a temporary
 * directory), and a template database migrated from scratch. Each worker clones the template
 * (test/support/db.ts). Names carry the run's pid, so runs sharing a server never collide.
 */
import "reflect-metadata";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDataSource } from "../ormconfig";
import { databaseUrl, ensureDatabase, startEmbeddedPostgres, type PostgresServer } from "../src/shared/embedded-postgres";
import { keepTestMonths } from "./support/partitions";

declare global {
  var testPostgres: PostgresServer | undefined;
}

// Jest requires a default export here.
export default async function globalSetup(): Promise<void> {
  const server: PostgresServer = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startEmbeddedPostgres({ dir: await mkdtemp(path.join(tmpdir(), "market-test-pg-")), persistent: false });
  globalThis.testPostgres = server;

  const prefix = `market_test_${process.pid}_`;
  const template = `${prefix}template`;
  await ensureDatabase(server.url, template);
  const db = createDataSource({ url: databaseUrl(server.url, template), poolSize: 1 });
  await db.initialize();
  await db.runMigrations({ transaction: "each" });
  await keepTestMonths(db);
  await db.destroy();

  // Inherited by the workers, which start after this.
  process.env.TEST_POSTGRES_URL = server.url;
  process.env.TEST_DATABASE_PREFIX = prefix;
}
