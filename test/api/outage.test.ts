/**
 * The database going away: a burst of bookings over HTTP against a PostgreSQL of this test's own
 * (never the shared server), killed mid-burst and started again. Every answer is a booking or a
 * retryable 503 SERVICE_UNAVAILABLE, never an internal error; /readyz follows; the same app
 * recovers by itself; retries with the same idempotency keys complete the burst; nothing is
 * left half-written.
 */
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger as SqlLogger } from "typeorm";
import { createApp, type App } from "../../src/app";
import { BookingEntity } from "../../src/modules/bookings/booking.entity";
import { runMigrations } from "../../src/shared/db";
import { databaseUrl, ensureDatabase } from "../../src/shared/embedded-postgres";
import { toGlobalId } from "../../src/shared/ids";
import { TestClock, testConfig } from "../support/api";
import { aBudget, aClientUser, aListing, aProvider, ledgerMismatches } from "../support/factories";
import { ownPostgres, type OwnPostgres } from "../support/postgres-process";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { data?: { createBooking?: { booking: { id: string } | null; userErrors: { code: string }[] } } | null; errors?: { extensions?: { code?: string } }[] };
}

/** "BOOKED", "SERVICE_UNAVAILABLE" (a 503 with Retry-After), or what else came back (a failure). */
function outcome({ status, retryAfter, body }: Answer): string {
  if (status === 200 && body.data?.createBooking?.booking && !body.errors) return "BOOKED";
  const codes = (body.errors ?? []).map((e) => e.extensions?.code);
  if (status === 503 && retryAfter && codes.length > 0 && codes.every((c) => c === "SERVICE_UNAVAILABLE")) return "SERVICE_UNAVAILABLE";
  return `${status} ${JSON.stringify(body)}`;
}

/** Polls `condition` until it holds; fails with `what` after `ms` (generous: the machine is shared). */
async function until(what: string, condition: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await sleep(25);
  }
}

/** TypeORM prints every failed statement otherwise; here they fail by design. */
const quiet: SqlLogger = { logQuery() {}, logQueryError() {}, logQuerySlow() {}, logSchemaBuild() {}, logMigration() {}, log() {} };

describe("the database going away", () => {
  let server: OwnPostgres;
  let app: App;
  let url: string;

  beforeAll(async () => {
    server = await ownPostgres();
    await ensureDatabase(server.url, "market");
    const clock = new TestClock();
    clock.set("2026-03-01T10:00:00Z");
    app = await createApp(testConfig({ DATABASE_POOL_SIZE: "5", LOG_LEVEL: "error" }), {
      databaseUrl: databaseUrl(server.url, "market"),
      clock,
      sqlLogger: quiet,
    });
    await runMigrations(app.db);
    await new Promise<void>((resolve) => app.http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.stop();
    await server?.stop();
  });

  it("answers 503 SERVICE_UNAVAILABLE while it is down, recovers without a restart, and leaves no partial rows", async () => {
    // Given a client with room in their budget for every booking of the burst
    const { user, client } = await aClientUser(app.db);
    const listing = await aListing(app.db, await aProvider(app.db), { pricePence: 1500 });
    const budget = await aBudget(app.db, client, { allocatedPence: 10_000_000 });
    const authorization = `Bearer ${await app.services.tokens.issue(user.subject)}`;
    const inputOf = (i: number) => ({
      listingId: toGlobalId("Listing", listing.id),
      budgetId: toGlobalId("Budget", budget.id),
      startsAt: new Date(Date.UTC(2026, 3, 1, 8) + i * 3_600_000).toISOString(),
      unitsPerVisit: 1,
      idempotencyKey: `burst-${i}`,
    });
    const book = async (i: number): Promise<Answer> => {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ query: CREATE, variables: { input: inputOf(i) } }),
      });
      return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Answer["body"] };
    };
    const readiness = async () => (await fetch(`${url}/readyz`)).status;

    // When four clients book without pause, and the database is killed and later started again
    const started = Date.now();
    const tally: Record<string, number> = {};
    const failedKeys: number[] = [];
    let phase: "up" | "down" | "back" = "up";
    const seen = { up: { BOOKED: 0, SERVICE_UNAVAILABLE: 0 }, down: { BOOKED: 0, SERVICE_UNAVAILABLE: 0 }, back: { BOOKED: 0, SERVICE_UNAVAILABLE: 0 } };
    let nextKey = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        const i = nextKey++;
        const at = phase;
        const result = outcome(await book(i));
        tally[result] = (tally[result] ?? 0) + 1;
        if (result === "BOOKED" || result === "SERVICE_UNAVAILABLE") seen[at][result]++;
        if (result !== "BOOKED") {
          failedKeys.push(i);
          await sleep(20); // a client backs off (a real one would wait Retry-After seconds)
        }
      }
    };
    const burst = Promise.all(Array.from({ length: 4 }, worker));
    try {
      await until("10 bookings succeed", () => seen.up.BOOKED >= 10);
      expect(await readiness()).toBe(200);

      await server.kill();
      phase = "down";
      await until("10 answers are SERVICE_UNAVAILABLE", () => seen.down.SERVICE_UNAVAILABLE >= 10);
      // Then /readyz says so, and so do anonymous queries (a resolver's error) and the CSV report
      const ready = await fetch(`${url}/readyz`);
      expect({ status: ready.status, retryAfter: ready.headers.get("retry-after") }).toEqual({ status: 503, retryAfter: "5" });
      const query = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ listings(first: 1) { edges { node { id } } } }" }),
      });
      expect(query.status).toBe(503);
      expect(await query.json()).toMatchObject({ errors: [{ extensions: { code: "SERVICE_UNAVAILABLE" } }] });
      const csv = await fetch(`${url}/reports/efficiency.csv?fundingBodyCode=E09000024&from=2026-04-01&to=2027-03-31`, { headers: { authorization } });
      expect({ status: csv.status, body: await csv.json() }).toMatchObject({
        status: 503,
        body: { errors: [{ extensions: { code: "SERVICE_UNAVAILABLE" } }] },
      });

      // A killed postmaster's backends may linger a moment, holding its shared memory: try again until it starts.
      await until("the database starts again", () =>
        server.restart().then(
          () => true,
          () => false,
        ),
      );
      phase = "back";
      await until("/readyz is ready again", async () => (await readiness()) === 200);
      await until("10 bookings succeed again", () => seen.back.BOOKED >= 10);
    } finally {
      running = false;
      await burst;
    }

    // Then every answer was a booking or a retryable 503, never an internal error
    expect(Object.keys(tally).sort()).toEqual(["BOOKED", "SERVICE_UNAVAILABLE"]);
    const burstMs = Date.now() - started;
    // And retrying each refused request with its idempotency key completes the burst
    for (const i of failedKeys) {
      let result = "";
      await until(`retry ${i} books`, async () => (result = outcome(await book(i))) !== "SERVICE_UNAVAILABLE");
      expect(result).toBe("BOOKED");
    }
    // And nothing is half-written: one booking per key, each with its commitment and visits, the budget equal to its ledger
    expect(await app.db.getRepository(BookingEntity).count()).toBe(nextKey);
    expect(await ledgerMismatches(app.db)).toEqual([]);
    expect(
      await app.db.query(`
        SELECT count(*)::int AS bookings,
               count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.booking_id = b.id AND e.kind = 'COMMITMENT'))::int AS without_commitment,
               count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.booking_id = b.id))::int AS without_visits
        FROM bookings b`),
    ).toEqual([{ bookings: nextKey, without_commitment: 0, without_visits: 0 }]);
    expect(await app.db.query("SELECT sum(amount_pence)::int AS committed FROM ledger_entries WHERE kind = 'COMMITMENT'")).toEqual([
      { committed: nextKey * 1500 },
    ]);
    console.log(
      `outage burst of ${nextKey} in ${burstMs} ms, by phase a request began in: ${JSON.stringify(seen)}; ${failedKeys.length} refused requests retried`,
    );
  });
});
