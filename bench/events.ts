/**
 * `npm run bench:events` (issue #14): what hearing about bookings costs the booking path. Bookings
 * (createBooking, BENCH_CONNECTIONS (20) at a time, each round BOOKINGS_PER_ROUND (500) over 50
 * budgets) run in-process through Apollo, alternately
 * - quiet: no webhook, no subscriber (the outbox row is written all the same: it is part of the
 *   booking's transaction and cannot be turned off), and
 * - heard: a provider's and a commissioner's webhook on BOOKING_REQUESTED, answered by a local
 *   receiver, the delivery worker running, and a graphql-ws subscriber fed by LISTEN/NOTIFY,
 * BENCH_ROUNDS (3) of each, and prints p50 and p99 per round and the median change of p99 (goal
 * under 10%). Env: DATABASE_URL (default: a throwaway embedded PostgreSQL).
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { createApp, type App } from "../src/app";
import { loadConfig } from "../src/config";
import { viewerOf } from "../src/modules/auth";
import type { Viewer } from "../src/shared/auth";
import { EventType } from "../src/modules/events";
import { runMigrations } from "../src/shared/db";
import { databaseUrl, dropDatabases, ensureDatabase } from "../src/shared/embedded-postgres";
import { toGlobalId } from "../src/shared/ids";
import { aBudget, aClientUser, aCommissioner, aListing, aProvider, aProviderMember } from "../test/support/factories";
import { connect, subscribe } from "../test/support/live";
import { Receiver } from "../test/support/receiver";
import { benchPostgres } from "./run";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const BOOKINGS_PER_ROUND = Number(process.env.BOOKINGS_PER_ROUND ?? 500);
const BUDGETS = 50;
const DATABASE = "events_bench";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Bookings start tomorrow, one an hour: the real clock runs, and no two bookings compete for a slot. */
const FIRST_VISIT_MS = Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS + 8 * HOUR_MS;
const isoDay = (day: Date) => day.toISOString().slice(0, 10);

const CREATE_BOOKING = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code } } }
`;
const CREATE_WEBHOOK = /* GraphQL */ `
  mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } userErrors { code message } } }
`;
const EVENTS = /* GraphQL */ `
  subscription ($types: [EventType!]) { events(types: $types) { id type } }
`;

async function main(): Promise<void> {
  const server = await benchPostgres();
  await dropDatabases(server.url, DATABASE);
  await ensureDatabase(server.url, DATABASE);
  const config = loadConfig({
    NODE_ENV: "test",
    JWT_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    DATABASE_POOL_SIZE: "10",
    WEBHOOK_ALLOW_PRIVATE: "true",
  });
  const app = await createApp(config, { databaseUrl: databaseUrl(server.url, DATABASE) });
  const receiver = new Receiver();
  try {
    await runMigrations(app.db);
    await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
    await receiver.start();
    app.dispatcher.start(); // as every API process runs it; idle while nobody listens
    const world = await seed(app);
    let next = 0; // every booking its own hour: no two compete for a slot
    const round = async () => {
      const budgetIds = await world.freshBudgets(); // a budget's history grows with each round: each round starts anew
      const latencies: number[] = [];
      let started = 0;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (started++ < BOOKINGS_PER_ROUND) {
            const i = next++;
            const began = performance.now();
            const answer = await app.apollo.executeOperation(
              {
                query: CREATE_BOOKING,
                variables: {
                  input: {
                    listingId: world.listingId,
                    budgetId: budgetIds[i % BUDGETS],
                    startsAt: new Date(FIRST_VISIT_MS + i * HOUR_MS).toISOString(),
                    unitsPerVisit: 1,
                    idempotencyKey: `bench-${i}`,
                  },
                },
              },
              { contextValue: app.contextFor(world.holder) },
            );
            latencies.push(performance.now() - began);
            const single = answer.body.kind === "single" ? (answer.body.singleResult as { data?: { createBooking?: { booking: unknown } } }) : null;
            if (!single?.data?.createBooking?.booking) throw new Error(`a booking failed: ${JSON.stringify(single)}`);
          }
        }),
      );
      return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
    };

    const quiet: number[] = [];
    const heard: number[] = [];
    await round(); // warm-up: JIT, pool, plans
    for (let r = 1; r <= ROUNDS; r++) {
      // Quiet first in odd rounds, heard first in even ones: neither always runs on a warmer or fuller database.
      const measureQuiet = () => round();
      const measureHeard = async () => {
        const listening = await listen(app, world, receiver);
        const measured = await round();
        return { ...measured, ...(await listening.stop()) };
      };
      const [a, b] =
        r % 2 === 1
          ? [await measureQuiet(), await measureHeard()]
          : await measureHeard().then(async (heardFirst) => [await measureQuiet(), heardFirst] as const);
      quiet.push(a.p99);
      heard.push(b.p99);
      const delivered = b;
      const load = loadavg().map((l) => Math.round(l * 100) / 100);
      console.log(
        `round ${r}/${ROUNDS} (load ${load.join(" ")}, ${cpus().length} cores): quiet p50 ${a.p50} ms p99 ${a.p99} ms; heard p50 ${b.p50} ms p99 ${b.p99} ms; ` +
          `${delivered.webhooks} webhook deliveries, ${delivered.live} live events`,
      );
    }
    const change = Math.round((median(heard) / median(quiet) - 1) * 1000) / 10;
    console.log(
      `booking p99, median of ${ROUNDS}: quiet ${median(quiet)} ms, heard ${median(heard)} ms: ${change >= 0 ? "+" : ""}${change}% (goal under +10%)`,
    );
  } finally {
    await receiver.stop();
    await app.stop();
    await dropDatabases(server.url, DATABASE).catch(() => undefined);
    await server.stop();
  }
}

interface World {
  listingId: string;
  /** BUDGETS new budgets of the holder, as global ids. */
  freshBudgets(): Promise<string[]>;
  holder: Viewer;
  provider: Viewer;
  commissioner: Viewer;
  token: string;
}

async function seed(app: App): Promise<World> {
  const provider = await aProvider(app.db);
  const listing = await aListing(app.db, provider, { weeklyCapacityUnits: 9_999 });
  const { user: member } = await aProviderMember(app.db, provider);
  const { user, client } = await aClientUser(app.db);
  const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const period = {
    periodStart: isoDay(today),
    periodEnd: isoDay(new Date(today.getTime() + 364 * DAY_MS)),
    reviewDueOn: isoDay(new Date(today.getTime() + 182 * DAY_MS)),
  };
  return {
    listingId: toGlobalId("Listing", listing.id),
    freshBudgets: async () =>
      (await Promise.all(Array.from({ length: BUDGETS }, () => aBudget(app.db, client, { ...period, allocatedPence: 100_000_000 })))).map((b) =>
        toGlobalId("Budget", b.id),
      ),
    holder: viewerOf(user),
    provider: viewerOf(member),
    commissioner: viewerOf(await aCommissioner(app.db)),
    token: await app.services.tokens.issue(member.subject),
  };
}

/** Webhooks for the provider and the commissioner, and a live subscriber; stop() removes them and says what they heard. */
async function listen(app: App, world: World, receiver: Receiver) {
  const hooks: { id: string; owner: World["provider"] }[] = [];
  for (const viewer of [world.provider, world.commissioner]) {
    const answer = await app.apollo.executeOperation(
      { query: CREATE_WEBHOOK, variables: { input: { url: `${receiver.url}/hook`, events: [EventType.BOOKING_REQUESTED] } } },
      { contextValue: app.contextFor(viewer) },
    );
    const single = answer.body.kind === "single" ? (answer.body.singleResult as { data?: { createWebhook?: { webhook: { id: string } | null } } }) : null;
    if (!single?.data?.createWebhook?.webhook) throw new Error(`createWebhook failed: ${JSON.stringify(single)}`);
    hooks.push({ id: single.data.createWebhook.webhook.id, owner: viewer });
  }
  const address = app.http.address() as { port: number };
  const client = await connect(`http://127.0.0.1:${address.port}`, `Bearer ${world.token}`);
  const inbox = subscribe(client, EVENTS, { types: [EventType.BOOKING_REQUESTED] });
  let live = 0;
  let reading = true;
  const reader = (async () => {
    while (reading)
      await inbox.next(600_000).then(
        () => live++,
        () => (reading = false),
      );
  })();
  const before = receiver.received.length;
  return {
    async stop() {
      await sleep(2_000); // the worker and the feed catch up with the round's last bookings
      reading = false;
      await inbox.stop();
      await client.dispose();
      await reader.catch(() => undefined);
      for (const { id, owner } of hooks) {
        await app.apollo.executeOperation(
          { query: "mutation ($id: ID!) { deleteWebhook(input: { webhookId: $id }) { userErrors { code } } }", variables: { id } },
          { contextValue: app.contextFor(owner) },
        );
      }
      return { webhooks: receiver.received.length - before, live };
    },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] * 10) / 10;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
