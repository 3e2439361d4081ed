/**
 * Database access for scripts: DATABASE_URL, or the embedded development database (the one
 * `npm start` uses, started here if no server is running it).
 * As a command: `with-database <cmd> [args…]` runs cmd with DATABASE_URL set (TypeORM's CLI).
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { Client } from "pg";
import type { Config } from "../src/config";
import { loadConfig } from "../src/config";
import { databaseUrl, ensureDatabase, localPostgres } from "../src/shared/embedded-postgres";

const EMBEDDED_DATABASE = "market";

export async function withDatabaseUrl<T>(config: Config, work: (url: string) => Promise<T>): Promise<T> {
  if (config.databaseUrl) return work(config.databaseUrl);
  const server = await localPostgres(config.dataDir);
  try {
    await ensureDatabase(server.url, EMBEDDED_DATABASE);
    return await work(databaseUrl(server.url, EMBEDDED_DATABASE));
  } finally {
    await server.stop();
  }
}

export function withDatabase<T>(config: Config, work: (db: Client) => Promise<T>): Promise<T> {
  return withDatabaseUrl(config, async (url) => {
    const db = new Client({ connectionString: url });
    await db.connect();
    try {
      return await work(db);
    } finally {
      await db.end();
    }
  });
}

if (require.main === module) {
  const [command, ...args] = process.argv.slice(2);
  withDatabaseUrl(loadConfig(), (url) => {
    return new Promise<number>((resolve) => {
      const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, DATABASE_URL: url }, shell: false });
      child.on("exit", (code) => resolve(code ?? 1));
    });
  }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
