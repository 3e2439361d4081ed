/**
 * `npm run bench:openreferral`: the Open Referral feed's latency over a large catalogue. Seeds the
 * demo generator's catalogue at benchmark size (5,016 providers, 50,160 listings; OPENREFERRAL_ROUNDS
 * scales it) into a separate database, then asks `GET /openreferral/services` for pages spread over
 * the whole list (first, middle, last; per_page 50 and 500; with a taxonomy term and a postcode),
 * one request at a time, and prints p50/p99 per kind of request with the load average; then validates
 * every service in the feed against ORUK's schemas (ajv, as the tests do). DATABASE_URL
 * picks the server (its `openreferral_bench` database is replaced). `npm run bench` runs it too, after
 * its rounds (openReferralBench), on the bench's server.
 */
import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { createApp } from "../src/app";
import { loadConfig } from "../src/config";
import { generateCatalogue } from "../src/demo/catalogue";
import { insertCatalogue } from "../src/demo/demo-data";
import { termIdOf } from "../src/modules/listings/openreferral.rules";
import { createDataSource } from "../ormconfig";
import { runMigrations } from "../src/shared/db";
import { databaseUrl } from "../src/shared/embedded-postgres";
import { errorsOf, SERVICE, SERVICE_LIST } from "../test/support/oruk";

const ROUNDS = Number(process.env.OPENREFERRAL_ROUNDS ?? 114);
const REQUESTS = Number(process.env.OPENREFERRAL_REQUESTS ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One kind of request's latencies, in milliseconds. */
export interface FeedMeasure {
  kind: string;
  requests: number;
  p50: number;
  p99: number;
}

/** Seeds the catalogue into `openreferral_bench` on the server, measures, prints and returns the figures. */
export async function openReferralBench(server: string): Promise<{
  listings: number;
  inFeed: number;
  loadAverage: number[];
  measures: FeedMeasure[];
  validation: { pages: number; services: number; errors: number };
}> {
  const admin = createDataSource({ url: server, poolSize: 1 });
  await admin.initialize();
  await admin.query("DROP DATABASE IF EXISTS openreferral_bench WITH (FORCE)");
  await admin.query("CREATE DATABASE openreferral_bench");
  await admin.destroy();
  const url = databaseUrl(server, "openreferral_bench");
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  await runMigrations(db);
  const catalogue = generateCatalogue({ rounds: ROUNDS, listingsPerProvider: 10, seed: 7 });
  await db.transaction((tx) => insertCatalogue(tx, catalogue));
  await db.query("VACUUM ANALYZE");
  await db.destroy();

  const app = await createApp(
    loadConfig({
      NODE_ENV: "production",
      DATABASE_URL: url,
      JWT_SECRET: "bench-secret-bench-secret-bench-secret-0123",
      DEMO_DATA: "false",
      LOG_LEVEL: "silent",
      RATE_LIMIT: "false",
    }),
    { databaseUrl: url },
  );
  await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}/openreferral/services`;
  const first = (await (await fetch(`${base}?per_page=50`)).json()) as { total_items: number; total_pages: number };
  const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
  console.log(
    `\nOpen Referral feed: ${catalogue.listings.length} listings, ${first.total_items} in the feed (${first.total_pages} pages of 50); load average ${loadAverage.join(" ")} (${cpus().length} cores)`,
  );
  const measures: FeedMeasure[] = [];
  const kinds: Record<string, (i: number) => string> = {
    "page spread over the list, per_page=50": (i) => `?per_page=50&page=${1 + ((i * 7919) % first.total_pages)}`,
    "last page, per_page=50": () => `?per_page=50&page=${first.total_pages}`,
    "page spread, per_page=500": (i) => `?per_page=500&page=${1 + ((i * 31) % Math.ceil(first.total_items / 500))}`,
    "taxonomy term and postcode": (i) => `?taxonomy_term_id=${termIdOf("DOMESTIC")}&postcode=SW19&page=${1 + (i % 5)}`,
  };
  for (const [kind, query] of Object.entries(kinds)) {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      const response = await fetch(`${base}${query(i)}`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${kind}: HTTP ${response.status}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const measure = { kind, requests: REQUESTS, p50: round1(percentile(times, 50)), p99: round1(percentile(times, 99)) };
    measures.push(measure);
    console.log(`${kind.padEnd(42)} p50 ${measure.p50.toFixed(1)} ms  p99 ${measure.p99.toFixed(1)} ms  (${REQUESTS} requests)`);
  }
  const validation = await validateFeed(base, first.total_items);
  await app.stop();
  return { listings: catalogue.listings.length, inFeed: first.total_items, loadAverage, measures, validation };
}

/**
 * Every service of the feed (500 a page) validated against ORUK's service list schema, and every
 * hundredth fetched whole from /services/{id} against its service schema.
 */
async function validateFeed(base: string, total: number): Promise<{ pages: number; services: number; whole: number; errors: number; firstErrors: string[] }> {
  const pages = Math.ceil(total / 500);
  const ids: string[] = [];
  const errors: string[] = [];
  for (let page = 1; page <= pages; page++) {
    const body = (await (await fetch(`${base}?per_page=500&page=${page}`)).json()) as { contents: { id: string }[] };
    ids.push(...body.contents.map((c) => c.id));
    for (const item of body.contents) errors.push(...errorsOf(SERVICE_LIST, item).map((e) => `${item.id}${e}`));
  }
  const sample = ids.filter((_id, i) => i % 100 === 0);
  for (const id of sample) errors.push(...errorsOf(SERVICE, await (await fetch(`${base}/${id}`)).json()).map((e) => `${id}${e}`));
  console.log(
    `feed validated against ORUK's schemas: ${ids.length} services in ${pages} pages (service_list), ${sample.length} fetched whole (service): ${errors.length} errors`,
  );
  for (const e of errors.slice(0, 5)) console.log(`  ${e}`);
  return { pages, services: ids.length, whole: sample.length, errors: errors.length, firstErrors: errors.slice(0, 20) };
}

function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

if (require.main === module) {
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error("Set DATABASE_URL to a PostgreSQL server (its openreferral_bench database is replaced).");
  openReferralBench(server).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
