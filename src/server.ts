/**
 * `npm start`: read the configuration, find a database (DATABASE_URL, or an embedded PostgreSQL
 * under .data/), migrate, load demo data into an empty database, serve until SIGINT/SIGTERM.
 */
import "reflect-metadata";
import { createApp } from "./app";
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, type Config } from "./config";
import { loadDemoData } from "./demo/demo-data";
import { runMigrations } from "./shared/db";
import { databaseUrl, ensureDatabase, localPostgres, type PostgresServer } from "./shared/embedded-postgres";
import { createLogger } from "./shared/logger";

const EMBEDDED_DATABASE = "market";

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  const app = await createApp(config, { databaseUrl: database.url });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("stopping", { signal });
    await app.stop().catch((error: unknown) => logger.error("error while stopping the API", { error }));
    await database.stop().catch((error: unknown) => logger.error("error while stopping PostgreSQL", { error }));
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  const migrations = await runMigrations(app.db);
  if (migrations > 0) logger.info("migrated", { migrations });
  if (config.demoData && (await loadDemoData(app))) logger.info("demo data loaded into the empty database");

  await new Promise<void>((resolve) => app.http.listen(config.port, config.host, resolve));
  const address = app.http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info("serving", { url: `http://localhost:${port}/graphql`, database: database.embedded ? "embedded" : "DATABASE_URL" });
  if (config.jwt.secret === DEVELOPMENT_JWT_SECRET) {
    logger.warn("using the development JWT secret; set JWT_SECRET outside development", {
      tokens: "npm run token -- admin@example.org",
    });
  }
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function openDatabase(config: Config): Promise<PostgresServer & { embedded: boolean }> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined, embedded: false };
  const server = await localPostgres(config.dataDir);
  await ensureDatabase(server.url, EMBEDDED_DATABASE);
  return { url: databaseUrl(server.url, EMBEDDED_DATABASE), stop: server.stop, embedded: true };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
