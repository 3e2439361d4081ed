/**
 * `npm run bench`: seeds a large catalogue (5,016 providers, 50,160 listings) into a separate
 * database, serves the API in production mode, and drives the listing search with autocannon:
 * 20 results with each listing's provider name and rating. The same answers come from a plain
 * Node.js + pg server with one hand-written SQL statement (the baseline), in the same run.
 *
 * BENCH_SECONDS (10) and BENCH_CONNECTIONS (10) tune the load; DATABASE_URL picks the server
 * (default: a throwaway embedded PostgreSQL).
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createDataSource } from "../ormconfig";
import { generateCatalogue } from "../src/demo/catalogue";
import { insertCatalogue } from "../src/demo/demo-data";
import { runMigrations } from "../src/shared/db";
import { databaseUrl, dropDatabases, ensureDatabase, startEmbeddedPostgres, type PostgresServer } from "../src/shared/embedded-postgres";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DATABASE = "market_bench";
const ROOT = path.join(__dirname, "..");

const SEARCH = /* GraphQL */ `
  query Search($filter: ListingFilter) {
    listings(filter: $filter, first: 20) {
      edges { node { id title pricePence unit provider { name cqcRating } } }
    }
  }
`;
const FILTERS = ["PA_SUPPORT", "PERSONAL_CARE", "DOMESTIC", "GARDENING"].map((category) => ({
  categoryCodes: [category],
  fundingBodyCode: "E09000024",
}));

interface Measure {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  const server: PostgresServer = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startEmbeddedPostgres({ dir: await mkdtemp(path.join(tmpdir(), "market-bench-pg-")), persistent: false });
  const children: ChildProcess[] = [];
  try {
    const url = await seed(server.url);
    const api = await start("API (Apollo + type-graphql + TypeORM)", ["src/server.ts"], url, children, "/readyz");
    const baseline = await start("baseline (node:http + pg, one SQL)", ["bench/baseline-server.ts"], url, children);
    await sameAnswers(api.url, baseline.url);

    const results: Measure[] = [];
    for (const target of [baseline, api]) results.push(await load(target.name, `${target.url}${target === api ? "/graphql" : "/"}`));
    report(results);
  } finally {
    await Promise.all(children.map(stopChild));
    if (process.env.DATABASE_URL) await dropDatabases(server.url, DATABASE);
    await server.stop();
  }
}

async function seed(serverUrl: string): Promise<string> {
  await dropDatabases(serverUrl, DATABASE);
  await ensureDatabase(serverUrl, DATABASE);
  const url = databaseUrl(serverUrl, DATABASE);
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  const started = Date.now();
  await runMigrations(db);
  const catalogue = generateCatalogue({ rounds: 114, listingsPerProvider: 10, seed: 7 });
  await db.transaction((tx) => insertCatalogue(tx, catalogue));
  await db.query("VACUUM ANALYZE");
  await db.destroy();
  console.log(`seeded ${catalogue.providers.length} providers and ${catalogue.listings.length} listings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return url;
}

async function start(name: string, args: string[], databaseUrl: string, children: ChildProcess[], readyPath = "/"): Promise<{ name: string; url: string }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      JWT_SECRET: randomBytes(32).toString("hex"),
      DEMO_DATA: "false",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    if (readyPath !== "/" || attempt > 5) {
      const ok = await fetch(`${url}${readyPath}`, readyPath === "/" ? { method: "POST", body: body(FILTERS[0]) } : {}).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return { name, url };
    }
  }
  throw new Error(`${name} did not start`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function body(filter: object): string {
  return JSON.stringify({ query: SEARCH, variables: { filter } });
}

async function sameAnswers(apiUrl: string, baselineUrl: string): Promise<void> {
  for (const filter of FILTERS) {
    const post = (url: string) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: body(filter) }).then((r) => r.json());
    const [fromApi, fromBaseline] = await Promise.all([post(`${apiUrl}/graphql`), post(baselineUrl)]);
    if (JSON.stringify(fromApi) !== JSON.stringify(fromBaseline)) {
      throw new Error(`The API and the baseline disagree for ${JSON.stringify(filter)}:\n${JSON.stringify(fromApi)}\n${JSON.stringify(fromBaseline)}`);
    }
  }
  console.log("the API and the baseline give identical answers");
}

async function load(name: string, url: string): Promise<Measure> {
  const requests = FILTERS.map((filter) => ({ method: "POST" as const, headers: { "content-type": "application/json" }, body: body(filter) }));
  await autocannon({ url, connections: CONNECTIONS, duration: 3, requests }); // warm-up: JIT, caches, pool
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, requests });
  return { name, requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function report(results: Measure[]): void {
  const baseline = results[0].requestsPerSecond;
  console.log(`\nlisting search, 20 results with provider name and rating; ${CONNECTIONS} connections, ${SECONDS} s each\n`);
  console.table(
    results.map((r) => ({
      server: r.name,
      "requests/s": Math.round(r.requestsPerSecond),
      "p50 ms": r.p50,
      "p99 ms": r.p99,
      errors: r.errors,
      "vs baseline": `${((r.requestsPerSecond / baseline) * 100).toFixed(0)}%`,
    })),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
