/**
 * DATABASE_REPLICA_URLS against a real primary and a real streaming standby (pg_basebackup -R),
 * started from the machine's PostgreSQL 15 binaries in a temporary directory. Search, the feed and
 * reports read the standby; other reads stay on the primary; with the primary stopped a search
 * still answers.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createApp, type App } from "../../src/app";
import { toGlobalId } from "../../src/shared/ids";
import { onReplica, runMigrations } from "../../src/shared/db";
import { createDataSource } from "../../ormconfig";
import { testConfig } from "../support/api";
import { aListing, aProvider } from "../support/factories";

const BIN = "/usr/lib/postgresql/15/bin";
const BASEBACKUP = "/usr/bin/pg_basebackup";
const available = existsSync(`${BIN}/initdb`) && existsSync(`${BIN}/pg_ctl`) && existsSync(BASEBACKUP);
/** Without the binaries the suite says so and runs nothing (it is not skipped silently). */
const describeWithPg = available
  ? describe
  : (name: string) =>
      describe(name, () => {
        it("needs the PostgreSQL 15 binaries", () => {
          console.log(`replicas.test: no PostgreSQL 15 binaries under ${BIN} (or ${BASEBACKUP}); the replica tests did not run.`);
        });
      });

jest.setTimeout(60_000);

/** PostgreSQL refuses to run as root: the servers run as `postgres` when the tests run as root. */
function pg(binary: string, args: string[]): string {
  const asPostgres = process.getuid?.() === 0;
  const [command, argv] = asPostgres ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
  return execFileSync(command, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const SEARCH = "{ listings(first: 10) { nodes { id title } } }";

describeWithPg("read replicas (a real primary and streaming standby)", () => {
  let dir = "";
  let primaryData = "";
  let standbyData = "";
  let primaryUrl = "";
  let standbyUrl = "";
  let app: App;

  const start = (data: string, port: number) =>
    pg(`${BIN}/pg_ctl`, ["-D", data, "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c wal_level=replica`, "-w", "-l", `${data}.log`, "start"]);
  const stop = (data: string) => pg(`${BIN}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "replicas-"));
    chmodSync(dir, 0o777);
    primaryData = path.join(dir, "primary");
    standbyData = path.join(dir, "standby");
    const [primaryPort, standbyPort] = [await freePort(), await freePort()];
    pg(`${BIN}/initdb`, ["-D", primaryData, "-U", "postgres", "--auth=trust"]);
    pg("/bin/sh", ["-c", `echo "host replication all 127.0.0.1/32 trust" >> ${primaryData}/pg_hba.conf`]);
    start(primaryData, primaryPort);
    pg(BASEBACKUP, ["-h", "127.0.0.1", "-p", String(primaryPort), "-U", "postgres", "-D", standbyData, "-R", "-X", "stream"]);
    start(standbyData, standbyPort);
    primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    standbyUrl = `postgres://postgres@127.0.0.1:${standbyPort}/postgres`;
    const migrator = createDataSource({ url: primaryUrl, poolSize: 2 });
    await migrator.initialize();
    await runMigrations(migrator);
    await migrator.destroy();
    app = await createApp(testConfig({ DATABASE_REPLICA_URLS: standbyUrl }), { databaseUrl: primaryUrl });
  });

  afterAll(async () => {
    await app?.stop();
    for (const data of [standbyData, primaryData]) {
      try {
        stop(data);
      } catch {
        // not running
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the standby has replayed everything the primary has written. */
  async function caughtUp(): Promise<void> {
    const [{ lsn }] = await app.db.query<{ lsn: string }[]>("SELECT pg_current_wal_lsn()::text AS lsn");
    for (let i = 0; i < 200; i++) {
      const [{ done }] = await onReplica(app.db, (r) => r.query<{ done: boolean }>("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done", [lsn]));
      if (done) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the standby did not catch up");
  }

  const replayPaused = (paused: boolean) => onReplica(app.db, (r) => r.query(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()", []));
  async function searched(): Promise<{ listings: { nodes: { id: string; title: string }[] } }> {
    const response = await app.apollo.executeOperation({ query: SEARCH }, { contextValue: app.contextFor(null) });
    if (response.body.kind !== "single") throw new Error("incremental delivery is not used");
    const { data, errors } = response.body.singleResult;
    if (errors?.length) throw new Error(JSON.stringify(errors));
    return data as { listings: { nodes: { id: string; title: string }[] } };
  }

  it("reads that tolerate lag run on the standby; the primary's default reads do not", async () => {
    const [{ standby }] = await onReplica(app.db, (r) => r.query<{ standby: boolean }>("SELECT pg_is_in_recovery() AS standby", []));
    expect(standby).toBe(true);
    const [{ primary }] = await app.db.query<{ primary: boolean }[]>("SELECT NOT pg_is_in_recovery() AS primary");
    expect(primary).toBe(true);
  });

  it("search answers from the standby: a listing written while replay is paused appears only once it is replayed; a node read sees it at once", async () => {
    const provider = await aProvider(app.db);
    const seen = await aListing(app.db, provider, { title: "Replicated gardening" });
    await caughtUp();
    expect((await searched()).listings.nodes.map((n) => n.title)).toContain("Replicated gardening");

    await replayPaused(true);
    try {
      const late = await aListing(app.db, provider, { title: "Not yet replayed" });
      const titles = (await searched()).listings.nodes.map((n) => n.title);
      expect(titles).toContain(seen.title);
      expect(titles).not.toContain("Not yet replayed"); // the search ran on the (paused) standby
      // Any other read (here a node by id) stays on the primary and sees the write at once.
      const response = await app.apollo.executeOperation(
        { query: "query ($id: ID!) { node(id: $id) { ... on Listing { title } } }", variables: { id: toGlobalId("Listing", late.id) } },
        { contextValue: app.contextFor(null) },
      );
      if (response.body.kind !== "single") throw new Error("incremental delivery is not used");
      expect(response.body.singleResult.data).toEqual({ node: { title: "Not yet replayed" } });
    } finally {
      await replayPaused(false);
    }
    await caughtUp();
    expect((await searched()).listings.nodes.map((n) => n.title)).toContain("Not yet replayed");
  });

  it("with the primary stopped, a search still answers from the standby", async () => {
    const port = new URL(primaryUrl).port;
    stop(primaryData);
    try {
      const titles = (await searched()).listings.nodes.map((n) => n.title);
      expect(titles).toContain("Replicated gardening");
      await expect(app.db.query("SELECT 1")).rejects.toThrow();
    } finally {
      start(primaryData, Number(port));
    }
    // Pooled connections to the old primary are dead; the pool drops each on its first failure.
    let answered = false;
    for (let attempt = 0; attempt < 30 && !answered; attempt++) {
      answered = await app.db.query("SELECT 1").then(
        () => true,
        () => false,
      );
    }
    expect(answered).toBe(true);
  });
});
