/**
 * `npm run bench`: seeds a large catalogue (5,016 providers, 50,160 listings) and a year of
 * activity (2,000 budgets, 10,000 bookings, 100,000 delivered visits) into a separate database,
 * serves the API in production mode, and drives it with autocannon:
 * - search: 20 listings with each one's provider name and rating. The same answers come from a
 *   plain Node.js + pg server with one hand-written SQL statement (the baseline), in the same run;
 * - report: a commissioner's efficiency report for the year, by category and month;
 * - plan: a broker's planPackage for 5 needs over the thousands of listings serving the client,
 *   one request at a time (its latency is what a broker waits; the goal is under a second);
 * - payment run: createPaymentRun over the 100,000 visits, all confirmed (the goal is under 5 s),
 *   then its remittance CSV, streamed (in-process, on a clock set after the year).
 *
 * BENCH_SECONDS (10) and BENCH_CONNECTIONS (10) tune the load; DATABASE_URL picks the server
 * (default: a throwaway embedded PostgreSQL); BENCH_ONLY=plan measures the planner alone.
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import type { DataSource } from "typeorm";
import { createDataSource } from "../ormconfig";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
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

interface PlanAnswer {
  data?: { planPackage?: { plan?: { candidates: number; providers: number; feasible: boolean } | null } | null } | null;
}

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
const FILTERS = ["PA_SUPPORT", "PERSONAL_CARE", "DOMESTIC", "GARDENING"].map((category) => ({
  categoryCodes: [category],
  fundingBodyCode: "E09000024",
}));

interface Measure {
  name: string;
  connections: number;
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
    const { url, planFor } = await seed(server.url);
    const api = await start("API (Apollo + type-graphql + TypeORM)", ["src/server.ts"], url, children, "/readyz");
    const tokens = new TokenService({ secret: SECRET, jwksUrl: undefined, issuer: undefined, audience: undefined, maxAgeSeconds: 24 * 60 * 60 });
    const as = async (subject: string) => ({ "content-type": "application/json", authorization: `Bearer ${await tokens.issue(subject)}` });
    if (process.env.BENCH_ONLY !== "plan") {
      const baseline = await start("baseline (node:http + pg, one SQL)", ["bench/baseline-server.ts"], url, children);
      await sameAnswers(api.url, baseline.url);

      const results: Measure[] = [];
      for (const target of [baseline, api]) results.push(await load(target.name, `${target.url}${target === api ? "/graphql" : "/"}`, searchRequests()));
      report("listing search, 20 results with provider name and rating", results, true);

      const reportRun = await load("API: efficiencyReport(groupBy: [CATEGORY, MONTH])", `${api.url}/graphql`, [
        { method: "POST", headers: await as(COMMISSIONER), body: JSON.stringify({ query: REPORT }) },
      ]);
      report("efficiency report over 100,000 delivered visits (12 months × categories)", [reportRun], false);
    }

    const plan = {
      method: "POST" as const,
      headers: await as(BROKER),
      body: JSON.stringify({ query: PLAN, variables: { input: { ...planFor, needs: NEEDS } } }),
    };
    const answer = await fetch(`${api.url}/graphql`, plan).then((r) => r.json() as Promise<PlanAnswer>);
    if (!answer.data?.planPackage?.plan) throw new Error(`planPackage failed: ${JSON.stringify(answer)}`);
    const { candidates, providers, feasible } = answer.data.planPackage.plan;
    console.log(
      `\nplanPackage: ${NEEDS.length} needs, ${candidates} candidate listings; the plan is ${feasible ? "feasible" : "not feasible"} with ${providers} provider(s)`,
    );
    const planRun = await load("API: planPackage, one broker at a time", `${api.url}/graphql`, [plan], 1);
    report(`planPackage over ${candidates} candidate listings`, [planRun], false);

    await paymentRun(url);
  } finally {
    await Promise.all(children.map(stopChild));
    if (process.env.DATABASE_URL) await dropDatabases(server.url, DATABASE);
    await server.stop();
  }
}

export async function seed(serverUrl: string): Promise<{ url: string; planFor: { clientId: string; budgetId: string } }> {
  await dropDatabases(serverUrl, DATABASE);
  await ensureDatabase(serverUrl, DATABASE);
  const url = databaseUrl(serverUrl, DATABASE);
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  const started = Date.now();
  await runMigrations(db);
  const catalogue = generateCatalogue({ rounds: 114, listingsPerProvider: 10, seed: 7 });
  await db.transaction((tx) => insertCatalogue(tx, catalogue));
  await seedActivity(db);
  await db.query("VACUUM ANALYZE");
  const planFor = await brokersClient(db);
  await db.destroy();
  console.log(
    `seeded ${catalogue.providers.length} providers, ${catalogue.listings.length} listings and a year of activity in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { url, planFor };
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

/** Merton's published rates, a commissioner, and 2,000 budgets × 5 bookings × 10 delivered visits over 2026-27. */
async function seedActivity(db: DataSource): Promise<void> {
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
  await db.query(`
    INSERT INTO clients (id, display_name, postcode_district, funding_body_code, setting, date_of_birth, new_to_support)
    SELECT gen_random_uuid(), 'Client ' || g, 'SW19', 'E09000024', 'OWN_HOME', date '1930-01-01' + (g * 13 % 20000), g % 4 = 0 FROM generate_series(1, 2000) g`);
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
    SELECT gen_random_uuid(), b.client_id, b.id, 'E09000024', h.id, h.provider_id, 'CONFIRMED', timestamptz '2026-04-06 09:00Z' + k * interval '1 day', 'FREQ=MONTHLY;COUNT=10',
           2, h.price_pence, CASE WHEN k = 1 THEN 'CLOSE_RELATIVE_ELSEWHERE' ELSE 'NONE' END::payee_relationship, $1
    FROM budgets b CROSS JOIN generate_series(1, 5) k CROSS JOIN counted JOIN hourly h ON h.n = 1 + (b.n * 5 + k) % counted.total`,
    [admin],
  );
  await db.query(`
    INSERT INTO visits (id, booking_id, provider_id, single_person, starts_at, ends_at, units, cost_pence, reference_rate_id, reference_cost_pence, status)
    SELECT gen_random_uuid(), bk.id, bk.provider_id, false, bk.starts_at + m * interval '1 month', bk.starts_at + m * interval '1 month' + interval '2 hours', 2, 2 * bk.unit_price_pence,
           r.id, CASE WHEN r.id IS NULL THEN NULL ELSE 2 * r.rate_pence END, 'DELIVERED'
    FROM bookings bk JOIN listings l ON l.id = bk.listing_id CROSS JOIN generate_series(0, 9) m
    LEFT JOIN reference_rates r ON r.funding_body_code = 'E09000024' AND r.category_code = l.category_code AND r.unit = 'HOUR' AND r.rate_type = 'STANDARD'`);
  // Every visit recorded on its day and confirmed by its client (the payment run's input).
  await db.query("UPDATE visits SET recorded_at = ends_at WHERE status = 'DELIVERED'");
  await db.query("INSERT INTO visit_confirmations (visit_id, status, at) SELECT id, 'CONFIRMED', ends_at FROM visits WHERE status = 'DELIVERED'");
  await db.query(`
    UPDATE budgets b SET spent_pence = s.spent FROM (SELECT bk.budget_id, sum(v.cost_pence) AS spent FROM visits v JOIN bookings bk ON bk.id = v.booking_id GROUP BY bk.budget_id) s
    WHERE s.budget_id = b.id`);
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
  const config = loadConfig({ ...process.env, DATABASE_URL: url, NODE_ENV: "production", JWT_SECRET: SECRET, DEMO_DATA: "false", LOG_LEVEL: "warn" });
  const app = await createApp(config, { databaseUrl: url, clock: { now: () => new Date("2027-04-15T10:00:00Z") }, sqlLogger: counting });
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
      JWT_SECRET: SECRET,
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

function searchRequests(): autocannon.Request[] {
  return FILTERS.map((filter) => ({ method: "POST" as const, headers: { "content-type": "application/json" }, body: body(filter) }));
}

async function load(name: string, url: string, requests: autocannon.Request[], connections = CONNECTIONS): Promise<Measure> {
  await autocannon({ url, connections, duration: 3, requests }); // warm-up: JIT, caches, pool
  const result = await autocannon({ url, connections, duration: SECONDS, requests });
  return {
    name,
    connections,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

function report(title: string, results: Measure[], againstBaseline: boolean): void {
  const baseline = results[0].requestsPerSecond;
  console.log(`\n${title}; ${results[0].connections} connection(s), ${SECONDS} s each\n`);
  console.table(
    results.map((r) => ({
      server: r.name,
      "requests/s": Math.round(r.requestsPerSecond),
      "p50 ms": r.p50,
      "p99 ms": r.p99,
      errors: r.errors,
      ...(againstBaseline ? { "vs baseline": `${((r.requestsPerSecond / baseline) * 100).toFixed(0)}%` } : {}),
    })),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
