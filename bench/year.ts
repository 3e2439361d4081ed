/**
 * `npm run bench:year`: the year-end paths at 10,000, 100,000 and 1,000,000 delivered visits (issue
 * #12: the efficiency report with every measure under 1 s at 1M; issue #11: a payment run under
 * 5 s). For each size it seeds a database `year_bench_<visits>` (a catalogue of 4,400 listings and
 * visits/50 budgets × 5 bookings × 10 monthly visits over 2026-27 (or YEAR_SHAPE=weekly), every visit confirmed: `seedActivity`,
 * as `npm run bench` does at 100,000), then, in-process and one at a time, times the report (grouped by
 * CATEGORY and MONTH, and ungrouped: a warm-up, then YEAR_REPEATS runs, median and worst) and
 * one payment run over the whole year, with the load average. Figures go to bench/results/year-<time>.json.
 *
 * Env: YEAR_SIZES (10000,100000,1000000), YEAR_SHAPE (monthly; weekly: each booking fifty weekly
 * visits, a budget 250 a year), YEAR_REPEATS (5), DATABASE_URL (default: a throwaway
 * embedded PostgreSQL), YEAR_REUSE=1 (keep an already seeded database of a size).
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { buildSchema, GraphQLObjectType } from "graphql";
import type { DataSource } from "typeorm";
import { createDataSource } from "../ormconfig";
import { createApp, type App } from "../src/app";
import { loadConfig } from "../src/config";
import { generateCatalogue } from "../src/demo/catalogue";
import { insertCatalogue } from "../src/demo/demo-data";
import { Role } from "../src/shared/auth";
import { runMigrations } from "../src/shared/db";
import { databaseUrl, dropDatabases, ensureDatabase } from "../src/shared/embedded-postgres";
import { benchPostgres, seedActivity, type ActivityShape } from "./run";

const SIZES = (process.env.YEAR_SIZES ?? "10000,100000,1000000").split(",").map(Number);
/** YEAR_SHAPE=weekly: bookings of fifty weekly visits (a budget 250 a year), not ten monthly ones. */
const SHAPE: ActivityShape = process.env.YEAR_SHAPE === "weekly" ? "weekly" : "monthly";
const VISITS_PER_BOOKING: Record<ActivityShape, number> = { monthly: 10, weekly: 50 };
const REPEATS = Number(process.env.YEAR_REPEATS ?? 5);
const COMMISSIONER = "bench-commissioner@example.org";

const REPORTS = {
  "by category and month": /* GraphQL */ `{ efficiencyReport(fundingBodyCode: "E09000024", from: "2026-04-01", to: "2027-03-31", groupBy: [CATEGORY, MONTH]) {
      rows { group { categoryCode month } measures { ...all } } totals { ...all } } }`,
  totals: /* GraphQL */ `{ efficiencyReport(fundingBodyCode: "E09000024", from: "2026-04-01", to: "2027-03-31") { totals { ...all } } }`,
};

interface SizeResult {
  visits: number;
  seededSeconds: number | null;
  factsRefresh: { keys: number; seconds: number };
  reports: Record<string, { medianMs: number; worstMs: number; rows: number }>;
  paymentRun: { seconds: number; lines: number; statements: number };
  loadAverage: number[];
}

async function main(): Promise<void> {
  const server = await benchPostgres();
  const results: SizeResult[] = [];
  try {
    console.log(`year-end bench: ${SIZES.join(", ")} visits; ${cpus().length} cores`);
    for (const visits of SIZES) results.push(await measureSize(server.url, visits));
    const dir = path.join(__dirname, "results");
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `year-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    await writeFile(file, JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, shape: SHAPE, results }, null, 2));
    console.log(`\nfigures saved to ${path.relative(process.cwd(), file)}`);
  } finally {
    await server.stop();
  }
}

async function measureSize(serverUrl: string, visits: number): Promise<SizeResult> {
  const name = SHAPE === "monthly" ? `year_bench_${visits}` : `year_bench_${SHAPE}_${visits}`;
  const url = databaseUrl(serverUrl, name);
  const seededSeconds = await seedOnce(serverUrl, name, url, visits);
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: url,
    NODE_ENV: "production",
    JWT_SECRET: randomBytes(32).toString("hex"),
    DEMO_DATA: "false",
    LOG_LEVEL: "warn",
  });
  // The clock after the year: every visit is due for payment.
  const app = await createApp(config, { databaseUrl: url, clock: { now: () => new Date("2027-04-15T10:00:00Z") } });
  try {
    const viewer = await commissionerOf(app);
    // The seeded visits are queued for the report's facts: the refresh job's work, timed.
    const started = Date.now();
    const refreshedKeys = await app.services.reports.refreshFacts();
    const factsRefresh = { keys: refreshedKeys, seconds: (Date.now() - started) / 1000 };
    await app.db.query("VACUUM ANALYZE report_facts, report_fact_changes");
    const reports: SizeResult["reports"] = {};
    for (const [kind, query] of Object.entries(REPORTS)) reports[kind] = await timeReport(app, viewer, query);
    const paymentRun = await timePaymentRun(app, viewer);
    const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
    console.log(
      `\n${visits.toLocaleString("en-GB")} visits (load average ${loadAverage.join(" ")}):\n` +
        `  report facts refreshed: ${factsRefresh.keys} keys in ${factsRefresh.seconds} s\n` +
        Object.entries(reports)
          .map(([kind, r]) => `  efficiencyReport ${kind}: median ${r.medianMs} ms, worst ${r.worstMs} ms (${r.rows} rows; goal < 1,000 ms at 1M)`)
          .join("\n") +
        `\n  createPaymentRun: ${paymentRun.seconds} s for ${paymentRun.lines} lines on ${paymentRun.statements} statements (goal < 5 s at 100k)`,
    );
    return { visits, seededSeconds, factsRefresh, reports, paymentRun, loadAverage };
  } finally {
    await app.stop();
  }
}

/** Seeds the size's database, unless YEAR_REUSE=1 and it is already there; the seconds it took, or null. */
async function seedOnce(serverUrl: string, name: string, url: string, visits: number): Promise<number | null> {
  if (process.env.YEAR_REUSE === "1") {
    const db = createDataSource({ url, poolSize: 1 });
    const seeded = await db.initialize().then(
      async () => (await db.query<{ n: number }[]>("SELECT count(*)::int AS n FROM visits"))[0].n === visits,
      () => false,
    );
    if (db.isInitialized) {
      if (seeded) {
        await db.query("DELETE FROM idempotency_keys; DELETE FROM statement_lines; DELETE FROM provider_statements; DELETE FROM payment_runs");
        // The last run's million lines, deleted, would otherwise slow this run's (291 s against 35 s on the third run).
        await db.query("VACUUM ANALYZE idempotency_keys, statement_lines, provider_statements, payment_runs");
      }
      await db.destroy();
    }
    if (seeded) return null;
  }
  const started = Date.now();
  await dropDatabases(serverUrl, name);
  await ensureDatabase(serverUrl, name);
  const db: DataSource = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  try {
    await runMigrations(db);
    await db.transaction((tx) => insertCatalogue(tx, generateCatalogue({ rounds: 10, listingsPerProvider: 10, seed: 7 })));
    await seedActivity(db, visits / (5 * VISITS_PER_BOOKING[SHAPE]), SHAPE);
    await db.query("VACUUM ANALYZE");
  } finally {
    await db.destroy();
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(`seeded ${visits.toLocaleString("en-GB")} visits in ${seconds} s`);
  return seconds;
}

async function commissionerOf(app: App) {
  const [commissioner] = await app.db.query<{ id: string }[]>("SELECT id FROM users WHERE subject = $1", [COMMISSIONER]);
  return app.contextFor({ userId: commissioner.id, roles: new Set([Role.COMMISSIONER]), providerId: null, fundingBodyCode: "E09000024", clientId: null });
}

type Context = Awaited<ReturnType<typeof commissionerOf>>;

/** Every measure the report has, asked for: the fragment is built from schema.graphql, so new measures are timed too. */
function withAllMeasures(query: string): string {
  const measures = buildSchema(readFileSync(path.join(__dirname, "../schema.graphql"), "utf8")).getType("EfficiencyMeasures");
  const fields = measures instanceof GraphQLObjectType ? Object.keys(measures.getFields()) : [];
  return `${query}\nfragment all on EfficiencyMeasures { ${fields.join(" ")} }`;
}

async function timeReport(app: App, contextValue: Context, query: string): Promise<{ medianMs: number; worstMs: number; rows: number }> {
  const document = withAllMeasures(query);
  const run = async () => {
    const started = performance.now();
    const response = await app.apollo.executeOperation({ query: document }, { contextValue });
    const ms = performance.now() - started;
    const result = response.body.kind === "single" ? response.body.singleResult : null;
    if (!result || result.errors) throw new Error(`the report failed: ${JSON.stringify(result?.errors)}`);
    const data = result.data as { efficiencyReport: { rows?: unknown[] } };
    return { ms, rows: data.efficiencyReport.rows?.length ?? 1 };
  };
  const { rows } = await run(); // warm-up: plans, caches
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push((await run()).ms);
  times.sort((a, b) => a - b);
  return { medianMs: Math.round(times[Math.floor(times.length / 2)]), worstMs: Math.round(times[times.length - 1]), rows };
}

async function timePaymentRun(app: App, contextValue: Context): Promise<SizeResult["paymentRun"]> {
  const started = performance.now();
  const response = await app.apollo.executeOperation(
    {
      query: `mutation ($input: CreatePaymentRunInput!) { createPaymentRun(input: $input) { paymentRun { statementCount lineCount } userErrors { code message } } }`,
      variables: { input: { fundingBodyCode: "E09000024", upTo: "2027-04-14", idempotencyKey: `year-bench-${Date.now()}` } },
    },
    { contextValue },
  );
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  const result = response.body.kind === "single" ? response.body.singleResult : null;
  const run = (result?.data as { createPaymentRun?: { paymentRun: { statementCount: number; lineCount: number } | null } } | undefined)?.createPaymentRun
    ?.paymentRun;
  if (!run) throw new Error(`createPaymentRun failed: ${JSON.stringify(result)}`);
  return { seconds, lines: run.lineCount, statements: run.statementCount };
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
