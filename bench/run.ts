/**
 * `npm run bench`: seeds a large catalogue (5,016 providers, 50,160 listings) and a year of
 * activity (2,000 budgets, 10,000 bookings, 100,000 delivered visits) into a separate database,
 * and serves it three ways, each one Node process, NODE_ENV=production, pool 10:
 * - the API (Apollo + type-graphql + TypeORM), as users run it;
 * - raw: plain node:http + pg, one hand-written SQL statement per query, the same bytes out;
 * - peer: PostGraphile 5 over views (bench/peer-views.ts), one statement per query.
 * Answers are compared before load. Then Q1, Q2 (issue #15) and the lighter search run at 20
 * connections, 3 rounds, the servers' order rotating each round; the load average is printed
 * before each round, ratios per round, medians at the end, with p99, server CPU per request and
 * RSS. Then: the search's p99 with and without a planner loop (HiGHS off the event loop), the
 * efficiency report, planPackage's latency, and a payment run over the year's 100,000 visits
 * (createPaymentRun, goal under 5 s, then its remittance CSV, streamed). Figures go to bench/results/<time>.json.
 *
 * Flags: --quick (short runs, no report or planner), --soak=SECONDS (Q1 on the API only, RSS
 * sampled: prints the slope), --variants=a,b (extra API servers with API_TUNING=a, b...: each
 * optimisation ablated in the same interleaved run; or NAME=value+NAME=value settings, such as
 * PLANNER_WORKERS=0, for the planner check alone). Env: BENCH_SECONDS (10), BENCH_CONNECTIONS
 * (20), BENCH_ROUNDS (3), DATABASE_URL (default: a throwaway embedded PostgreSQL),
 * BENCH_DATABASE (market_bench), BENCH_REUSE=1 (keep an already seeded database).
 */
import "reflect-metadata";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { loadavg, cpus, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import type { DataSource } from "typeorm";
import { createDataSource } from "../ormconfig";
import { createApp } from "../src/app";
import { loadConfig, type Config } from "../src/config";
import { generateCatalogue } from "../src/demo/catalogue";
import { insertCatalogue } from "../src/demo/demo-data";
import { PUBLISHED_REFERENCE_RATES } from "../src/demo/reference-rates";
import { TokenService } from "../src/modules/auth";
import { ReferenceRateService } from "../src/modules/pricing";
import { ReferenceService } from "../src/modules/reference";
import { Role } from "../src/shared/auth";
import { runMigrations } from "../src/shared/db";
import { newId, toGlobalId } from "../src/shared/ids";
import { systemClock } from "../src/shared/time";
import { databaseUrl, dropDatabases, ensureDatabase, startEmbeddedPostgres, type PostgresServer } from "../src/shared/embedded-postgres";
import { openReferralBench } from "./openreferral";
import { PEER_VIEWS } from "./peer-views";
import { bodies, peerAsApi, SCENARIOS, type Scenario, type ServerKind } from "./queries";

interface PlanAnswer {
  data?: { planPackage?: { plan?: { candidates: number; providers: number; feasible: boolean } | null } | null } | null;
}

const args = process.argv.slice(2);
const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? (args.includes(`--${name}`) ? "" : undefined);
const QUICK = flag("quick") !== undefined;
const SOAK_SECONDS = flag("soak") !== undefined ? Number(flag("soak") || 600) : 0;
const VARIANTS = (flag("variants") ?? "").split(",").filter((v) => v !== "");
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 4 : 10));
const WARMUP_SECONDS = QUICK ? 1 : 2;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DATABASE = process.env.BENCH_DATABASE ?? "market_bench";
const ROOT = path.join(__dirname, "..");
/** The node flags of `npm start` (package.json), so that the bench's API runs as users run it. */
const START_NODE_FLAGS = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start
  .match(/\bnode((?: --\S+)*)/)![1]
  .split(" ")
  .filter(Boolean);
const CLOCK_TICKS_PER_SECOND = 100;

const REPORT = /* GraphQL */ `
  { efficiencyReport(fundingBodyCode: "E09000024", from: "2026-04-01", to: "2027-03-31", groupBy: [CATEGORY, MONTH]) {
      rows { group { categoryCode month } measures { sourcedPence referencePence savingPence premiumPence returnedPence reservedPence absorbedPence clients } }
      totals { sourcedPence referencePence savingPence visits bookings clients } } }
`;
const PLAN = /* GraphQL */ `
  mutation Plan($input: PlanPackageInput!) { planPackage(input: $input) {
    plan { feasible candidates providers weeklyCostPence periodCostPence savingPence items { need listing { title } schedule { startsAt recurrence unitsPerVisit } } unmet { reason message } }
    userErrors { code message } } }
`;
const NEEDS = [
  { categoryCode: "PERSONAL_CARE", unitsPerWeek: 10, from: "07:00", to: "10:00" },
  { categoryCode: "PA_SUPPORT", unitsPerWeek: 6 },
  { categoryCode: "DOMESTIC", unitsPerWeek: 2 },
  { categoryCode: "GARDENING", unitsPerWeek: 1 },
  { categoryCode: "THERAPY", unitsPerWeek: 1, unit: "SESSION" },
];
const SECRET = randomBytes(32).toString("hex");
const COMMISSIONER = "bench-commissioner@example.org";
const BROKER = "bench-broker@example.org";

/** DATABASE_URL's server, or a throwaway embedded PostgreSQL (every bench's database server). */
export async function benchPostgres(): Promise<PostgresServer> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  return startEmbeddedPostgres({ dir: await mkdtemp(path.join(tmpdir(), "market-bench-pg-")), persistent: false });
}

/** Compiles src and bench into dist/ (`tsc -b`, incremental): the servers run as `npm start` runs them. */
export function buildForBench(): void {
  console.log("building (tsconfig.bench.json)…");
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", "tsconfig.bench.json"], { cwd: ROOT, stdio: "inherit" });
}

export interface Target {
  name: string;
  kind: ServerKind;
  url: string;
  pid: number;
}

interface Measure {
  scenario: string;
  server: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Server CPU (user + system) per answered request. */
  cpuMsPerRequest: number;
  /** Peak resident set size of the server process during the run. */
  rssMb: number;
  errors: number;
}

interface Round {
  round: number;
  loadAverage: number[];
  order: string[];
  runs: Measure[];
}

async function main(): Promise<void> {
  const server = await benchPostgres();
  const children: ChildProcess[] = [];
  try {
    buildForBench();
    const { url, planFor, providers } = await seed(server.url);
    const api = await start("API", "api", ["src/server.ts"], url, children, "/readyz");
    if (SOAK_SECONDS > 0) return void (await soak(api, providers));
    const raw = await start("raw", "raw", ["bench/baseline-server.ts"], url, children);
    const peer = await start("PostGraphile", "peer", ["bench/postgraphile-server.ts"], url, children);
    // A variant is an API_TUNING value (in the rounds), or NAME=value settings joined by "+" (the planner check only).
    const variants: Target[] = [];
    const settings: Target[] = [];
    for (const variant of VARIANTS) {
      const env = variant.includes("=") ? Object.fromEntries(variant.split("+").map((kv) => kv.split("=") as [string, string])) : { API_TUNING: variant };
      (variant.includes("=") ? settings : variants).push(await start(`API[${variant}]`, "api", ["src/server.ts"], url, children, "/readyz", env));
    }
    const targets = [raw, api, peer, ...variants];
    for (const target of targets) await sameAnswers(target, raw, providers);
    console.log(`answers checked: ${targets.map((t) => t.name).join(", ")} agree with raw on every query`);

    const rounds: Round[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order = rotate(targets, round - 1);
      const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
      console.log(`\nround ${round}/${ROUNDS}: load average ${loadAverage.join(" ")} (${cpus().length} cores); order ${order.map((t) => t.name).join(" → ")}`);
      const runs: Measure[] = [];
      for (const { name: scenario } of SCENARIOS) {
        for (const target of order) runs.push(await load(scenario, target, requestsFor(scenario, target, providers)));
      }
      rounds.push({ round, loadAverage, order: order.map((t) => t.name), runs });
      printRound(rounds[rounds.length - 1], targets);
    }

    const extra: Record<string, unknown> = {};
    if (!QUICK) {
      extra.plannerInterference = {};
      for (const target of [api, ...settings]) (extra.plannerInterference as Record<string, object>)[target.name] = await plannerInterference(target, planFor);
      extra.report = await reportRun(api);
      extra.plan = await planRun(api, planFor);
      await paymentRun(url);
    }
    // Issue #13's gate: a page of the Open Referral feed over 50,000 listings (its own database).
    extra.openReferral = await openReferralBench(server.url);
    // BENCH_ROUNDS=0 (the planner, the report and the feed only) has no rounds to summarise.
    const summary = rounds.length ? summarise(rounds, targets) : [];
    if (rounds.length) printSummary(summary, rounds);
    await saveResults({ rounds, summary, ...extra });
  } finally {
    await Promise.all(children.map(stopChild));
    if (process.env.DATABASE_URL && process.env.BENCH_REUSE !== "1") await dropDatabases(server.url, DATABASE);
    await server.stop();
  }
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function requestsFor(scenario: Scenario, target: Target, providers: { globalId: string; uuid: string }[]): autocannon.Request[] {
  return bodies(scenario, target.kind, providers).map((body) => ({ method: "POST" as const, headers: { "content-type": "application/json" }, body }));
}

function pathOf(target: Target): string {
  return target.kind === "raw" ? "/" : "/graphql";
}

/** Every server answers every request of every scenario as raw does (PostGraphile's answers mapped onto the API's shape). */
async function sameAnswers(target: Target, raw: Target, providers: { globalId: string; uuid: string }[]): Promise<void> {
  if (target === raw) return;
  for (const { name: scenario } of SCENARIOS) {
    const mine = bodies(scenario, target.kind, providers);
    const theirs = bodies(scenario, "raw", providers);
    for (let i = 0; i < mine.length; i++) {
      const post = (t: Target, body: string) =>
        fetch(`${t.url}${pathOf(t)}`, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.text());
      const [answer, expected] = await Promise.all([post(target, mine[i]), post(raw, theirs[i])]);
      const got = target.kind === "peer" ? peerAsApi(scenario, answer) : answer;
      if (got !== expected) {
        let at = 0;
        while (got[at] === expected[at]) at++;
        const around = (text: string) => text.slice(Math.max(0, at - 300), at + 200);
        throw new Error(`${target.name} and raw disagree on ${scenario} (${theirs[i]}) at character ${at}:\n${around(got)}\n${around(expected)}`);
      }
    }
  }
}

/** utime + stime of a process, in clock ticks. */
async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 102.4) / 10;
}

async function load(scenario: string, target: Target, requests: autocannon.Request[], connections = CONNECTIONS, seconds = SECONDS): Promise<Measure> {
  const url = `${target.url}${pathOf(target)}`;
  await autocannon({ url, connections, duration: WARMUP_SECONDS, requests }); // warm-up: JIT, caches, pool
  let peak = await rssMb(target.pid);
  const sampler = setInterval(
    () =>
      void rssMb(target.pid).then(
        (mb) => (peak = Math.max(peak, mb)),
        () => undefined,
      ),
    250,
  );
  const before = await cpuTicks(target.pid);
  const result = await autocannon({ url, connections, duration: seconds, requests });
  const ticks = (await cpuTicks(target.pid)) - before;
  clearInterval(sampler);
  const answered = Math.max(1, result.requests.total);
  return {
    scenario,
    server: target.name,
    connections,
    seconds,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: Math.round(((ticks * 1000) / CLOCK_TICKS_PER_SECOND / answered) * 1000) / 1000,
    rssMb: Math.max(peak, await rssMb(target.pid)),
    errors: result.errors + result.non2xx,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

function printRound(round: Round, targets: Target[]): void {
  const rows: Record<string, string | number>[] = [];
  for (const { name: scenario } of SCENARIOS) {
    const of = (name: string) => round.runs.find((r) => r.scenario === scenario && r.server === name)!;
    for (const target of targets.filter((t) => t.kind === "api")) {
      const api = of(target.name);
      rows.push({
        round: round.round,
        query: scenario,
        server: target.name,
        "req/s": api.requestsPerSecond,
        "× raw": ratio(api.requestsPerSecond, of("raw").requestsPerSecond),
        "× PostGraphile": ratio(api.requestsPerSecond, of("PostGraphile").requestsPerSecond),
      });
    }
  }
  console.table(rows);
}

interface Summary {
  scenario: string;
  server: string;
  requestsPerSecond: number;
  p99: number;
  cpuMsPerRequest: number;
  rssMb: number;
  errors: number;
  vsRaw: number;
  vsPeer: number;
  vsRawPerRound: number[];
  vsPeerPerRound: number[];
}

function summarise(rounds: Round[], targets: Target[]): Summary[] {
  const out: Summary[] = [];
  for (const { name: scenario } of SCENARIOS) {
    for (const target of targets) {
      const runs = rounds.map((r) => r.runs.find((m) => m.scenario === scenario && m.server === target.name)!);
      const perRound = (other: string) =>
        rounds.map((r, i) => ratio(runs[i].requestsPerSecond, r.runs.find((m) => m.scenario === scenario && m.server === other)!.requestsPerSecond));
      const vsRawPerRound = perRound("raw");
      const vsPeerPerRound = perRound("PostGraphile");
      out.push({
        scenario,
        server: target.name,
        requestsPerSecond: median(runs.map((m) => m.requestsPerSecond)),
        p99: median(runs.map((m) => m.p99)),
        cpuMsPerRequest: median(runs.map((m) => m.cpuMsPerRequest)),
        rssMb: Math.max(...runs.map((m) => m.rssMb)),
        errors: runs.reduce((sum, m) => sum + m.errors, 0),
        vsRaw: median(vsRawPerRound),
        vsPeer: median(vsPeerPerRound),
        vsRawPerRound,
        vsPeerPerRound,
      });
    }
  }
  return out;
}

function printSummary(summary: Summary[], rounds: Round[]): void {
  console.log(
    `\nmedians of ${rounds.length} round(s), ${CONNECTIONS} connections, ${SECONDS} s each; load average before each round: ${rounds.map((r) => r.loadAverage[0]).join(", ")}`,
  );
  console.table(
    summary.map((s) => ({
      query: s.scenario,
      server: s.server,
      "req/s": s.requestsPerSecond,
      "p99 ms": s.p99,
      "CPU ms/req": s.cpuMsPerRequest,
      "RSS MB": s.rssMb,
      errors: s.errors,
      "× raw (rounds)": s.server === "raw" ? "" : `${s.vsRaw} (${s.vsRawPerRound.join(" ")})`,
      "× PostGraphile (rounds)": s.server === "PostGraphile" ? "" : `${s.vsPeer} (${s.vsPeerPerRound.join(" ")})`,
    })),
  );
}

async function saveResults(results: object): Promise<void> {
  const dir = path.join(ROOT, "bench", "results");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}${QUICK ? "-quick" : ""}.json`);
  const meta = { node: process.version, cpus: cpus().length, quick: QUICK, seconds: SECONDS, connections: CONNECTIONS, variants: VARIANTS };
  await writeFile(file, `${JSON.stringify({ ...meta, ...results }, null, 2)}\n`);
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
}

async function tokenHeaders(subject: string): Promise<Record<string, string>> {
  const tokens = new TokenService({ secret: SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined, maxAgeSeconds: 24 * 60 * 60 });
  return { "content-type": "application/json", authorization: `Bearer ${await tokens.issue(subject)}` };
}

async function planRequest(planFor: { clientId: string; budgetId: string }): Promise<{ method: "POST"; headers: Record<string, string>; body: string }> {
  return { method: "POST", headers: await tokenHeaders(BROKER), body: JSON.stringify({ query: PLAN, variables: { input: { ...planFor, needs: NEEDS } } }) };
}

/** The search's p99 alone and with a broker's planPackage loop beside it, twice each, interleaved. */
async function plannerInterference(api: Target, planFor: { clientId: string; budgetId: string }): Promise<object> {
  const search = requestsFor("search", api, []);
  const plan = await planRequest(planFor);
  const alone: Measure[] = [];
  const withPlanner: Measure[] = [];
  for (let i = 0; i < 2; i++) {
    alone.push(await load("search alone", api, search));
    const planner = autocannon({ url: `${api.url}/graphql`, connections: 1, duration: SECONDS + WARMUP_SECONDS + 1, requests: [plan] });
    withPlanner.push(await load("search + planner loop", api, search));
    const planned = await planner;
    console.log(`  planner loop beside it: ${planned.requests.total} plans, p99 ${planned.latency.p99} ms`);
  }
  const p99Alone = median(alone.map((m) => m.p99));
  const p99WithPlanner = median(withPlanner.map((m) => m.p99));
  console.log(`\n${api.name}: search p99 alone ${p99Alone} ms, with a planner loop ${p99WithPlanner} ms (× ${ratio(p99WithPlanner, p99Alone)}; goal ≤ 1.2)`);
  return { alone, withPlanner, p99Alone, p99WithPlanner, ratio: ratio(p99WithPlanner, p99Alone) };
}

async function reportRun(api: Target): Promise<Measure> {
  const measure = await load(
    "efficiencyReport(groupBy: [CATEGORY, MONTH])",
    api,
    [{ method: "POST", headers: await tokenHeaders(COMMISSIONER), body: JSON.stringify({ query: REPORT }) }],
    10,
  );
  console.log(`efficiency report over 100,000 visits: ${measure.requestsPerSecond} req/s, p99 ${measure.p99} ms`);
  return measure;
}

async function planRun(api: Target, planFor: { clientId: string; budgetId: string }): Promise<Measure> {
  const plan = await planRequest(planFor);
  const answer = await fetch(`${api.url}/graphql`, plan).then((r) => r.json() as Promise<PlanAnswer>);
  if (!answer.data?.planPackage?.plan) throw new Error(`planPackage failed: ${JSON.stringify(answer)}`);
  const { candidates, providers, feasible } = answer.data.planPackage.plan;
  const measure = await load("planPackage, one broker at a time", api, [plan], 1);
  console.log(
    `planPackage: ${NEEDS.length} needs, ${candidates} candidates, ${feasible ? "feasible" : "not feasible"} with ${providers} provider(s): p50 ${measure.p50} ms, p99 ${measure.p99} ms`,
  );
  return measure;
}

/** Q1 on the API for SOAK_SECONDS, RSS sampled every 5 s: the slope (least squares) says whether memory stays flat. */
async function soak(api: Target, providers: { globalId: string; uuid: string }[]): Promise<void> {
  const samples: { seconds: number; rssMb: number }[] = [];
  const started = Date.now();
  console.log(
    `soak: Q1 at ${CONNECTIONS} connections for ${SOAK_SECONDS} s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const sampler = setInterval(() => {
    void rssMb(api.pid).then((mb) => {
      samples.push({ seconds: (Date.now() - started) / 1000, rssMb: mb });
      if (samples.length % 6 === 0) console.log(`  ${Math.round(samples[samples.length - 1].seconds)} s: RSS ${mb} MB`);
    });
  }, 5_000);
  const result = await autocannon({ url: `${api.url}/graphql`, connections: CONNECTIONS, duration: SOAK_SECONDS, requests: requestsFor("Q1", api, providers) });
  clearInterval(sampler);
  // The first minute (or fifth) is warm-up: heaps grow to their working size.
  const settled = samples.filter((s) => s.seconds >= Math.min(60, SOAK_SECONDS / 5));
  const n = settled.length;
  const mx = settled.reduce((a, s) => a + s.seconds, 0) / n;
  const my = settled.reduce((a, s) => a + s.rssMb, 0) / n;
  const slope = settled.reduce((a, s) => a + (s.seconds - mx) * (s.rssMb - my), 0) / settled.reduce((a, s) => a + (s.seconds - mx) ** 2, 0);
  const soakResult = {
    seconds: SOAK_SECONDS,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    rssMbFirst: samples[0]?.rssMb,
    rssMbLast: samples[samples.length - 1]?.rssMb,
    rssMbPeak: Math.max(...samples.map((s) => s.rssMb)),
    slopeMbPerMinute: Math.round(slope * 60 * 100) / 100,
    samples,
  };
  console.log(
    `\nsoak ${SOAK_SECONDS} s: ${soakResult.requests} requests (${soakResult.requestsPerSecond} req/s, p99 ${soakResult.p99} ms, ${soakResult.errors} errors); RSS ${soakResult.rssMbFirst} → ${soakResult.rssMbLast} MB (peak ${soakResult.rssMbPeak}); slope after warm-up ${soakResult.slopeMbPerMinute} MB/min`,
  );
  await saveResults({ soak: soakResult });
}

interface Seeded {
  url: string;
  planFor: { clientId: string; budgetId: string };
  /** Providers that Q2 asks for. */
  providers: { globalId: string; uuid: string }[];
}

export async function seed(serverUrl: string): Promise<Seeded> {
  const url = databaseUrl(serverUrl, DATABASE);
  if (process.env.BENCH_REUSE === "1" && process.env.DATABASE_URL) {
    const db = createDataSource({ url, poolSize: 2 });
    const reused = await db.initialize().then(
      async () => {
        const [client] = await db.query<{ id: string; budget: string }[]>(
          "SELECT c.id, b.id AS budget FROM clients c JOIN budgets b ON b.client_id = c.id JOIN users u ON u.id = c.broker_user_id WHERE u.subject = $1",
          [BROKER],
        );
        if (!client) return null;
        await runMigrations(db);
        if (SOAK_SECONDS === 0) await peerViews(db); // a soak serves no peer (and leaves a running bench's views alone)
        return { url, planFor: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", client.budget) }, providers: await q2Providers(db) };
      },
      () => null,
    );
    if (db.isInitialized) await db.destroy();
    if (reused) {
      console.log(`reusing the seeded database ${DATABASE}`);
      return reused;
    }
  }
  await dropDatabases(serverUrl, DATABASE);
  await ensureDatabase(serverUrl, DATABASE);
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  const started = Date.now();
  await runMigrations(db);
  const catalogue = generateCatalogue({ rounds: 114, listingsPerProvider: 10, seed: 7 });
  await db.transaction((tx) => insertCatalogue(tx, catalogue));
  await seedActivity(db);
  await refreshReportFacts(url);
  await db.query("VACUUM ANALYZE");
  const planFor = await brokersClient(db);
  await peerViews(db);
  const providers = await q2Providers(db);
  await db.destroy();
  console.log(
    `seeded ${catalogue.providers.length} providers, ${catalogue.listings.length} listings and a year of activity in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { url, planFor, providers };
}

async function peerViews(db: DataSource): Promise<void> {
  for (const statement of PEER_VIEWS) await db.query(statement);
}

/** Four providers with listings, for Q2. */
async function q2Providers(db: DataSource): Promise<{ globalId: string; uuid: string }[]> {
  const rows = await db.query<{ id: string }[]>("SELECT DISTINCT provider_id AS id FROM listings WHERE active ORDER BY provider_id LIMIT 4");
  return rows.map((r) => ({ globalId: toGlobalId("Provider", r.id), uuid: r.id }));
}

/** A broker, and the client (and budget) they plan for. */
async function brokersClient(db: DataSource): Promise<{ clientId: string; budgetId: string }> {
  const [broker] = await db.query<{ id: string }[]>(
    "INSERT INTO users (id, email, display_name, subject, roles) VALUES (gen_random_uuid(), $1, 'Broker', $1, '{BROKER}') RETURNING id",
    [BROKER],
  );
  // TypeORM answers an UPDATE with [rows, affected].
  const [[client]] = await db.query<[{ id: string }[], number]>(
    "UPDATE clients SET broker_user_id = $1 WHERE id = (SELECT min(id::text)::uuid FROM clients) RETURNING id",
    [broker.id],
  );
  const [[budget]] = await db.query<[{ id: string }[], number]>(
    "UPDATE budgets SET covered_categories = covered_categories || '{THERAPY}' WHERE client_id = $1 RETURNING id",
    [client.id],
  );
  return { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id) };
}

/** Merton's published rates, a commissioner, and `budgets` budgets × 5 bookings × 10 delivered visits over 2026-27 (bench/year.ts scales it). */
/** How each booking's visits fall: ten monthly (npm run bench's year, and bench:year's default) or fifty weekly. */
export type ActivityShape = "monthly" | "weekly";

const SHAPES: Record<ActivityShape, { rule: string; every: string; count: number }> = {
  monthly: { rule: "FREQ=MONTHLY;COUNT=10", every: "1 month", count: 10 },
  weekly: { rule: "FREQ=WEEKLY;COUNT=50", every: "1 week", count: 50 },
};

export async function seedActivity(db: DataSource, budgets = 2000, shape: ActivityShape = "monthly"): Promise<void> {
  const { rule, every, count } = SHAPES[shape];
  const admin = newId();
  await db.query(
    `INSERT INTO users (id, email, display_name, subject, roles) VALUES ($1, 'bench-admin@example.org', 'Admin', 'bench-admin@example.org', '{ADMIN}'),
    (gen_random_uuid(), $2, 'Commissioner', $2, '{COMMISSIONER}')`,
    [admin, COMMISSIONER],
  );
  await db.query("UPDATE users SET funding_body_code = 'E09000024' WHERE subject = $1", [COMMISSIONER]);
  const rates = new ReferenceRateService(db, new ReferenceService(db), systemClock);
  const imported = await rates.import(
    { userId: admin, roles: new Set([Role.ADMIN]), providerId: null, fundingBodyCode: null, clientId: null },
    { csv: PUBLISHED_REFERENCE_RATES, dryRun: false },
  );
  if (!imported.ok) throw new Error("rates");
  await db.query(
    `
    INSERT INTO clients (id, display_name, postcode_district, funding_body_code, setting, date_of_birth, new_to_support)
    SELECT gen_random_uuid(), 'Client ' || g, 'SW19', 'E09000024', 'OWN_HOME', date '1930-01-01' + (g * 13 % 20000), g % 4 = 0 FROM generate_series(1, $1::int) g`,
    [budgets],
  );
  await db.query(`
    INSERT INTO budgets (id, client_id, funding_body_code, kind, management, period_start, period_end, covered_categories, review_due_on, allocated_pence)
    SELECT gen_random_uuid(), id, 'E09000024', 'PERSONAL_BUDGET', 'DIRECT_PAYMENT', '2026-04-01', '2027-03-31', '{PA_SUPPORT,PERSONAL_CARE,DOMESTIC,GARDENING}', '2026-10-01', 5000000 FROM clients`);
  await db.query(
    `
    WITH hourly AS (SELECT id, provider_id, price_pence, row_number() OVER (ORDER BY id) AS n FROM listings
                    WHERE active AND unit = 'HOUR' AND rate_type = 'STANDARD' AND category_code IN ('PA_SUPPORT', 'PERSONAL_CARE', 'DOMESTIC', 'GARDENING')),
         counted AS (SELECT count(*) AS total FROM hourly),
         budgets AS (SELECT b.id, b.client_id, row_number() OVER (ORDER BY b.id) AS n FROM budgets b)
    INSERT INTO bookings (id, client_id, budget_id, funding_body_code, listing_id, provider_id, status, starts_at, recurrence, units_per_visit, unit_price_pence, payee_relationship, created_by_user_id)
    SELECT gen_random_uuid(), b.client_id, b.id, 'E09000024', h.id, h.provider_id, 'CONFIRMED', timestamptz '2026-04-06 09:00Z' + k * interval '1 day', $2,
           2, h.price_pence, CASE WHEN k = 1 THEN 'CLOSE_RELATIVE_ELSEWHERE' ELSE 'NONE' END::payee_relationship, $1
    FROM budgets b CROSS JOIN generate_series(1, 5) k CROSS JOIN counted JOIN hourly h ON h.n = 1 + (b.n * 5 + k) % counted.total`,
    [admin, rule],
  );
  await db.query(
    `
    INSERT INTO visits (id, booking_id, provider_id, single_person, starts_at, ends_at, units, cost_pence, reference_rate_id, reference_cost_pence, status, recorded_at)
    SELECT gen_random_uuid(), bk.id, bk.provider_id, false, bk.starts_at + m * $1::interval, bk.starts_at + m * $1::interval + interval '2 hours', 2, 2 * bk.unit_price_pence,
           r.id, CASE WHEN r.id IS NULL THEN NULL ELSE 2 * r.rate_pence END, 'DELIVERED', bk.starts_at + m * $1::interval + interval '2 hours'
    FROM bookings bk JOIN listings l ON l.id = bk.listing_id CROSS JOIN generate_series(0, $2::int - 1) m
    LEFT JOIN reference_rates r ON r.funding_body_code = 'E09000024' AND r.category_code = l.category_code AND r.unit = 'HOUR' AND r.rate_type = 'STANDARD'`,
    [every, count],
  );
  // Every visit recorded on its day (above) and confirmed by its client (the payment run's input).
  await db.query(
    "INSERT INTO visit_confirmations (visit_id, visit_starts_at, status, at) SELECT id, starts_at, 'CONFIRMED', ends_at FROM visits WHERE status = 'DELIVERED'",
  );
  await db.query(`
    UPDATE budgets b SET spent_pence = s.spent FROM (SELECT bk.budget_id, sum(v.cost_pence) AS spent FROM visits v JOIN bookings bk ON bk.id = v.booking_id GROUP BY bk.budget_id) s
    WHERE s.budget_id = b.id`);
}

/** The API's settings for the work the bench does in its own process (seeding's last step, the payment run). */
function inProcessConfig(url: string): Config {
  return loadConfig({
    ...process.env,
    DATABASE_URL: url,
    NODE_ENV: "production",
    JWT_SECRET: SECRET,
    DEMO_DATA: "false",
    LOG_LEVEL: "warn",
    RATE_LIMIT: "false",
  });
}

/**
 * The report's facts of the seeded year, made as the servers' refresh job would make them: else
 * the API's first minute goes to that job, beside the first round it is measured in.
 */
async function refreshReportFacts(url: string): Promise<void> {
  const app = await createApp(inProcessConfig(url), { databaseUrl: url });
  try {
    await app.services.reports.refreshFacts();
  } finally {
    await app.stop();
  }
}

const RUN = /* GraphQL */ `
  mutation ($input: CreatePaymentRunInput!) { createPaymentRun(input: $input) {
    paymentRun { id totalPence fundingBodyPence statementCount lineCount } userErrors { code message } } }
`;

/**
 * createPaymentRun over every visit of the year, confirmed, through GraphQL in-process (the clock
 * after the year, so every visit is due), counting its SQL statements; then the remittance CSV
 * over HTTP, read as a stream.
 */
export async function paymentRun(url: string): Promise<void> {
  let statements = 0;
  const counting = {
    logQuery: () => void statements++,
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const app = await createApp(inProcessConfig(url), { databaseUrl: url, clock: { now: () => new Date("2027-04-15T10:00:00Z") }, sqlLogger: counting });
  try {
    const [commissioner] = await app.db.query<{ id: string }[]>("SELECT id FROM users WHERE subject = $1", [COMMISSIONER]);
    const viewer = { userId: commissioner.id, roles: new Set([Role.COMMISSIONER]), providerId: null, fundingBodyCode: "E09000024", clientId: null };
    const [{ confirmed }] = await app.db.query<{ confirmed: number }[]>(
      "SELECT count(*)::int AS confirmed FROM visit_confirmations WHERE status = 'CONFIRMED'",
    );
    statements = 0;
    const started = performance.now();
    const response = await app.apollo.executeOperation(
      { query: RUN, variables: { input: { fundingBodyCode: "E09000024", upTo: "2027-04-14", idempotencyKey: "bench-run" } } },
      { contextValue: app.contextFor(viewer) },
    );
    const elapsed = performance.now() - started;
    const body =
      response.body.kind === "single" ? (response.body.singleResult.data as { createPaymentRun: { paymentRun: Record<string, number> | null } }) : null;
    const run = body?.createPaymentRun.paymentRun;
    if (!run) throw new Error(`createPaymentRun failed: ${JSON.stringify(response.body)}`);
    console.log(
      `
createPaymentRun over ${confirmed} confirmed visits: ${(elapsed / 1000).toFixed(2)} s (goal < 5 s), ${statements} SQL statements; ` +
        `${run.statementCount} provider statements, ${run.lineCount} lines, ${run.totalPence} pence`,
    );

    await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
    const address = app.http.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const tokens = new TokenService({ secret: SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined, maxAgeSeconds: 60 * 60 });
    const csvStarted = performance.now();
    const csv = await fetch(`http://127.0.0.1:${port}/payments/${String(run.id)}.csv`, {
      headers: { authorization: `Bearer ${await tokens.issue(COMMISSIONER)}` },
    });
    let bytes = 0;
    let rows = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    for await (const chunk of csv.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) rows++;
    }
    console.log(
      `remittance CSV: ${rows - 1} rows, ${(bytes / 1024).toFixed(0)} KiB streamed in ${((performance.now() - csvStarted) / 1000).toFixed(2)} s (HTTP ${csv.status}; heap ${((process.memoryUsage().heapUsed - heapBefore) / 1048576).toFixed(1)} MiB more at the end)`,
    );
  } finally {
    await app.stop();
  }
}

/** Starts one server from dist/, ready when it answers readyPath; env may name its PORT (else a random one). */
export async function start(
  name: string,
  kind: ServerKind,
  args: [string],
  databaseUrl: string,
  children: ChildProcess[],
  readyPath = "/",
  env: Record<string, string> = {},
): Promise<Target> {
  const port = Number(env.PORT ?? 20000 + Math.floor(Math.random() * 20000));
  // What users run: the compiled JavaScript, not ts-node, and the API with `npm start`'s node flags.
  const script = path.join("dist", args[0].replace(/\.ts$/, ".js"));
  const child = spawn(process.execPath, [...(kind === "api" ? START_NODE_FLAGS : []), script], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: "10",
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      JWT_SECRET: SECRET,
      DEMO_DATA: "false",
      LOG_LEVEL: "warn",
      RATE_LIMIT: "false", // one client address fires thousands a second: the bench measures throughput, not limits
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  let ready = false;
  child.once("message", () => (ready = true));
  for (let attempt = 0; attempt < 150; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    // The raw server and the peer say when they listen; the API answers /readyz once its database is.
    const ok =
      readyPath === "/"
        ? ready
        : await fetch(`${url}${readyPath}`).then(
            (r) => r.ok,
            () => false,
          );
    if (ok) return { name, kind, url, pid: child.pid! };
  }
  throw new Error(`${name} did not start`);
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
