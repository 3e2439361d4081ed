/**
 * `npm start`: read the configuration, find a database (DATABASE_URL, or an embedded PostgreSQL
 * under .data/, restarted by its supervisor should it die), migrate, load demo data into an empty
 * database, serve until SIGINT/SIGTERM. A signal stops the process within 10 s whatever it is
 * doing: starting, waiting for the database, migrating, serving, or serving without a database.
 */
import "reflect-metadata";
import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { createApp, type App } from "./app";
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, redact, type Config } from "./config";
import { loadDemoData } from "./demo/demo-data";
import { connectionFailureReason, isConnectionError } from "./shared/connection-errors";
import { pgError, runMigrations, waitForDatabase } from "./shared/db";
import { databaseUrl, ensureDatabase, localPostgres } from "./shared/embedded-postgres";
import { createLogger, type Logger } from "./shared/logger";
import { analyzeParents, createMonthsAhead } from "./shared/partitions";
import { addMonths, londonDate, MovableClock, systemClock } from "./shared/time";

const EMBEDDED_DATABASE = "market";
/** A stop that takes longer (a request or a connection that does not let go) ends the process anyway. */
const STOP_DEADLINE_MS = 8_000;

/** A failure to start that a message explains; printed without a stack trace. */
class StartupError extends Error {}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const lifecycle = handleSignals(logger);
  try {
    await serve(config, logger, lifecycle);
  } catch (error) {
    if (lifecycle.stopping) return; // a signal interrupted the start; the stop ends the process
    console.error(error instanceof StartupError ? error.message : (databaseProblem(error, config) ?? (error instanceof Error ? error.message : String(error))));
    await lifecycle.stop("failed to start", 1);
  }
}

async function serve(config: Config, logger: Logger, lifecycle: Lifecycle): Promise<void> {
  let url = config.databaseUrl;
  if (!url) {
    const server = await localPostgres(config.dataDir, logger);
    lifecycle.onStop(() => server.stop());
    await ensureDatabase(server.url, EMBEDDED_DATABASE);
    url = databaseUrl(server.url, EMBEDDED_DATABASE);
  }
  await waitForDatabase(url, {
    timeoutMs: config.databaseWaitSeconds * 1000,
    signal: lifecycle.signal,
    onWait: (reason) => logger.warn("waiting for the database", { reason, upTo: `${config.databaseWaitSeconds} s (DATABASE_WAIT_SECONDS)` }),
  });
  // Real time; the demo data moves it while it lives through last year, before the server listens.
  const clock = new MovableClock();
  const app = await createApp(config, { databaseUrl: url, clock });
  lifecycle.onStop(() => app.stop());

  const migrations = await runMigrations(app.db);
  if (migrations > 0) logger.info("migrated", { migrations });
  if (config.demoData) {
    // The demo lives through last budget year, from April up to twenty months ago: its months are
    // made first, so that its rows land in them.
    if (config.partitionMonthsAhead > 0) await makeMonths(app, logger, addMonths(londonDate(clock.now()), -24), 24 + config.partitionMonthsAhead);
    if (await loadDemoData(app, clock)) logger.info("demo data loaded into the empty database");
  }

  await listen(app.http, config);
  // Registered last, so run first when a stop begins: not ready, still serving, for DRAIN_SECONDS.
  lifecycle.onStop(async () => {
    app.drain();
    await sleep(config.drainSeconds * 1000);
  });
  if (config.webhooks.worker) app.dispatcher.start(); // app.stop() ends it
  scheduleJobs(app, config, logger, lifecycle);
  const address = app.http.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info("serving", { url: `http://localhost:${port}/graphql`, database: config.databaseUrl ? "DATABASE_URL" : "embedded", pid: process.pid });
  if (config.jwt.secret === DEVELOPMENT_JWT_SECRET) {
    logger.warn("using the development JWT secret; set JWT_SECRET outside development", {
      tokens: "npm run token -- admin@example.org",
    });
  }
}

/** How often the confirmation job runs: confirming visits nobody answered within their funding body's window. */
const CONFIRMATION_JOB_INTERVAL_MS = 5 * 60_000;

/** How often the report's facts are brought up to date (until then the report computes the changed ones live). */
const REPORT_FACTS_INTERVAL_MS = 30_000;

/** How often the partitioned tables' months are made ahead of need (a month is made once; the rest of the runs find it). */
const PARTITIONS_JOB_INTERVAL_MS = 6 * 60 * 60_000;

/**
 * The background jobs, each run now and on an interval. Every API process runs them; each job takes
 * an advisory lock (ConfirmationService.confirmDue, ReportService.refreshFacts, createMonthsAhead),
 * so one process works at a time. A failed run is logged and the next one tries again.
 */
function scheduleJobs(app: App, config: Config, logger: Logger, lifecycle: Lifecycle): void {
  schedule("confirmation job", CONFIRMATION_JOB_INTERVAL_MS, async () => {
    const confirmed = await app.services.confirmations.confirmDue();
    if (confirmed > 0) logger.info("visits confirmed by the window", { confirmed });
  });
  schedule("report facts refresh", REPORT_FACTS_INTERVAL_MS, async () => void (await app.services.reports.refreshFacts()));
  if (config.partitionMonthsAhead > 0) {
    schedule("partitions job", PARTITIONS_JOB_INTERVAL_MS, () => makeMonths(app, logger, londonDate(systemClock.now()), config.partitionMonthsAhead));
  }

  function schedule(name: string, intervalMs: number, job: () => Promise<void>): void {
    const run = () =>
      job().catch((error: unknown) => logger.warn(`${name} failed; it runs again later`, { reason: error instanceof Error ? error.message : String(error) }));
    void run();
    const timer = setInterval(() => void run(), intervalMs);
    timer.unref();
    lifecycle.onStop(async () => clearInterval(timer));
  }
}

/** The partitions job's work (src/shared/partitions.ts): the months from that of `from` on, logged; then the parents' statistics. */
async function makeMonths(app: App, logger: Logger, from: string, months: number): Promise<void> {
  const { created, refused } = await createMonthsAhead(app.db, from, months);
  await analyzeParents(app.db);
  if (created.length) logger.info("partitions created", { created });
  for (const { partition, reason } of refused)
    logger.warn("a partition was not created this time; rows of its month stay in the default partition until it is", { partition, reason });
}

interface Lifecycle {
  /** Aborted when a stop begins: waits during the start give up. */
  signal: AbortSignal;
  readonly stopping: boolean;
  /** Registers what to close on stop; closed in reverse order of registration. */
  onStop(close: () => Promise<void>): void;
  stop(reason: string, exitCode: number): Promise<void>;
}

/**
 * SIGINT and SIGTERM stop the process from its first moment: everything registered is closed
 * (the process drains: not ready for DRAIN_SECONDS, then the HTTP server finishes its requests;
 * the pool ends, the embedded PostgreSQL stops), then it exits. A stop
 * that has not finished after STOP_DEADLINE_MS exits anyway, and a second signal exits at once.
 */
function handleSignals(logger: Logger): Lifecycle {
  const closers: (() => Promise<void>)[] = [];
  const controller = new AbortController();
  let stopping = false;
  const stop = async (reason: string, exitCode: number): Promise<void> => {
    stopping = true;
    controller.abort();
    logger.info("stopping", { reason });
    setTimeout(() => {
      logger.error("did not stop in time; exiting anyway", { withinMs: STOP_DEADLINE_MS });
      process.exit(exitCode || 1);
    }, STOP_DEADLINE_MS).unref();
    for (const close of closers.reverse()) {
      await close().catch((error: unknown) => logger.error("error while stopping", { error }));
    }
    process.exit(exitCode);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (!stopping) return void stop(signal, 0);
      logger.warn("second signal: exiting now", { signal });
      process.exit(1);
    });
  }
  return {
    signal: controller.signal,
    get stopping() {
      return stopping;
    },
    onStop: (close) => void closers.push(close),
    stop,
  };
}

function listen(http: Server, { port, host }: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => {
      http.off("listening", listening);
      if (error.code === "EADDRINUSE") reject(new StartupError(`port ${port} is in use (set PORT)`));
      else if (error.code === "EACCES") reject(new StartupError(`port ${port} needs privileges this process does not have (set PORT to 1024 or above)`));
      else if (error.code === "EADDRNOTAVAIL") reject(new StartupError(`HOST ${host} is not an address of this machine (set HOST)`));
      else reject(error);
    };
    const listening = () => {
      http.off("error", failed);
      resolve();
    };
    http.once("error", failed);
    http.once("listening", listening);
    http.listen(port, host);
  });
}

/** What to tell someone whose database cannot be used, naming where its address came from. */
function databaseProblem(error: unknown, config: Config): string | undefined {
  const where = config.databaseUrl ? `DATABASE_URL (${redact(config.databaseUrl)})` : `the embedded PostgreSQL under ${config.dataDir}`;
  const reason = connectionFailureReason(error);
  const code = pgError(error)?.code ?? (error as { code?: unknown } | null)?.code;
  if (code === "28P01" || code === "28000") {
    return `PostgreSQL at ${where} refused the connection: ${reason}. Check the user name and password in DATABASE_URL.`;
  }
  if (code === "3D000") {
    return `The database named in ${where} does not exist: ${reason}. Create it (e.g. \`createdb\`) or correct the name in DATABASE_URL.`;
  }
  if (code === "ENOTFOUND") {
    return `The host in ${where} is unknown: ${reason}. Check the host name in DATABASE_URL.`;
  }
  if (isConnectionError(error)) {
    return (
      `Could not connect to PostgreSQL at ${where} within ${config.databaseWaitSeconds} s: ${reason}. ` +
      "Check that the server is running and accepts TCP connections on that host and port, and that DATABASE_URL is right; " +
      "raise DATABASE_WAIT_SECONDS if it is slow to start, or, in development, unset DATABASE_URL to use the embedded PostgreSQL."
    );
  }
  return undefined;
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
