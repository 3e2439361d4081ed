/**
 * The server as a process, built as `npm start` builds it (`tsc -b`, incremental) and run as it
 * runs it: it refuses what it cannot serve with a message instead of a stack trace, and SIGTERM
 * stops it within 10 s in every state, the database's absence included. Databases killed here
 * are the tests' own.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmod, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { databaseUrl, ensureDatabase } from "../../src/shared/embedded-postgres";
import { TEST_JWT_SECRET } from "../support/api";
import { scratchDatabaseUrl } from "../support/db";
import { ownPostgres } from "../support/postgres-process";

const ROOT = path.resolve(__dirname, "../..");
const STOP_LIMIT_MS = 10_000;

interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code, or null if killed by a signal. */
  exit: Promise<number | null>;
}

/** `node dist/src/server.js`, or `npm start` itself. */
function startServer(env: Record<string, string>, command = [process.execPath, "dist/src/server.js"]): Running {
  const child = spawn(command[0], command.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: "127.0.0.1", JWT_SECRET: TEST_JWT_SECRET, DEMO_DATA: "false", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** Polls until `condition` holds; bounded generously (the machine is shared), never a fixed sleep. */
async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(50);
  }
}

async function exitedWithin(server: Running, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${server.output()}`)), ms)),
  );
  try {
    return await Promise.race([server.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends SIGTERM and returns how long the process took to exit, and its exit code. */
async function terminate(server: Running): Promise<{ ms: number; code: number | null }> {
  const sent = Date.now();
  server.child.kill("SIGTERM");
  const code = await exitedWithin(server, STOP_LIMIT_MS);
  return { ms: Date.now() - sent, code };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const serving = (server: Running) => () => server.output().includes('"message":"serving"');
const status = (port: number, route: string) =>
  fetch(`http://127.0.0.1:${port}${route}`).then(
    (r) => r.status,
    () => 0,
  );
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("the server process", () => {
  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", "tsconfig.build.json"], { cwd: ROOT });
  }, 120_000);
  const running: Running[] = [];
  const start = (env: Record<string, string>, command?: string[]) => {
    const server = startServer(env, command);
    running.push(server);
    return server;
  };
  const stops: Record<string, number> = {};
  afterAll(() => {
    for (const { child } of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    console.log(`SIGTERM to exit: ${JSON.stringify(stops)} (ms)`);
  });

  it("refuses NODE_ENV=production without DATABASE_URL", async () => {
    const server = start({ NODE_ENV: "production" });
    expect(await exitedWithin(server, 60_000)).toBe(1);
    expect(server.output()).toContain("DATABASE_URL is required when NODE_ENV=production");
  });

  it("says that the port is in use, without a stack trace, and exits 1", async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((resolve) => busy.listen(0, "127.0.0.1", () => resolve((busy.address() as { port: number }).port)));
    try {
      const server = start({ DATABASE_URL: await scratchDatabaseUrl("lifecycle", "template"), PORT: String(port) });
      expect(await exitedWithin(server, 60_000)).toBe(1);
      expect(server.output()).toContain(`port ${port} is in use (set PORT)`);
      expect(server.output()).not.toMatch(/\n\s+at /);
    } finally {
      busy.close();
    }
  });

  it("names DATABASE_URL and says what to try when the database cannot be reached, after waiting DATABASE_WAIT_SECONDS", async () => {
    const url = `postgres://app:s3cret@127.0.0.1:${await freePort()}/market`;
    const server = start({ DATABASE_URL: url, DATABASE_WAIT_SECONDS: "1" });
    expect(await exitedWithin(server, 60_000)).toBe(1);
    expect(server.output()).toContain('"message":"waiting for the database"');
    expect(server.output()).toContain(`Could not connect to PostgreSQL at DATABASE_URL (${url.replace("s3cret", "***")}) within 1 s: connect ECONNREFUSED`);
    expect(server.output()).toContain("Check that the server is running");
    expect(server.output()).not.toContain("s3cret");
  });

  it("stops within 10 s on SIGTERM while it waits for the database to start", async () => {
    const server = start({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/market`, DATABASE_WAIT_SECONDS: "600" });
    await until("it waits for the database", () => server.output().includes('"message":"waiting for the database"'));
    const { ms, code } = await terminate(server);
    stops["waiting for the database"] = ms;
    expect(code).toBe(0);
  });

  it("stops within 10 s on SIGTERM while serving (sent to `npm start`), and while serving without its database", async () => {
    const postgres = await ownPostgres();
    try {
      await ensureDatabase(postgres.url, "market");
      const url = databaseUrl(postgres.url, "market");
      const npm = start({ DATABASE_URL: url, PORT: String(await freePort()) }, ["npm", "start", "--silent"]);
      await until("it serves", serving(npm));
      const node = Number(/"pid":(\d+)/.exec(npm.output())?.[1]);
      expect(node).not.toBe(npm.child.pid); // npm runs node, which gets the signal npm forwards
      const { ms, code } = await terminate(npm);
      stops["serving, SIGTERM to npm start"] = ms;
      expect(code).toBe(0);
      expect(alive(node)).toBe(false);

      const port = await freePort();
      const down = start({ DATABASE_URL: url, PORT: String(port) });
      await until("it serves", serving(down));
      await postgres.kill();
      await until("/readyz says the database is gone", async () => (await status(port, "/readyz")) === 503);
      const stopped = await terminate(down);
      stops["database down"] = stopped.ms;
      expect(stopped.code).toBe(0);
    } finally {
      await postgres.stop();
    }
  });

  it("drains on SIGTERM for DRAIN_SECONDS: not ready, still answering (closing each connection), then exits 0", async () => {
    const port = await freePort();
    const server = start({ DATABASE_URL: await scratchDatabaseUrl("drain"), PORT: String(port), DRAIN_SECONDS: "4" });
    await until("it serves", serving(server));
    expect(await status(port, "/readyz")).toBe(200);
    const sent = Date.now();
    server.child.kill("SIGTERM");
    await until("/readyz says it is draining", async () => (await status(port, "/readyz")) === 503, 4_000);
    const answer = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect([answer.status, answer.headers.get("connection"), await answer.json()]).toEqual([200, "close", { data: { __typename: "Query" } }]);
    expect(await exitedWithin(server, STOP_LIMIT_MS)).toBe(0);
    stops["draining 4 s"] = Date.now() - sent;
    expect(Date.now() - sent).toBeGreaterThanOrEqual(3_900); // timers may fire a millisecond early, never a second
  });

  it("restarts its embedded PostgreSQL when it dies, and stops it on SIGTERM", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "market-lifecycle-"));
    await chmod(dataDir, 0o755); // as root, PostgreSQL runs as the postgres user
    try {
      const port = await freePort();
      const server = start({ DATA_DIR: dataDir, PORT: String(port) });
      await until("it serves", serving(server), 120_000);
      const postmasterPid = async () => Number((await readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").catch(() => "0")).split("\n")[0]);
      const first = await postmasterPid();
      process.kill(first, "SIGKILL");
      await until(
        "the supervisor has restarted it",
        async () => server.output().includes("embedded PostgreSQL restarted") && (await status(port, "/readyz")) === 200,
      );
      expect(server.output()).toContain("embedded PostgreSQL exited unexpectedly; restarting it");
      const second = await postmasterPid();
      expect(second).not.toBe(first);

      const { ms, code } = await terminate(server);
      stops["embedded, after a restart"] = ms;
      expect(code).toBe(0);
      await until("its PostgreSQL has stopped too", () => !alive(second), 5_000);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
