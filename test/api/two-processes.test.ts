/**
 * Stateless processes (issue 16, item 1): two real API processes (`src/server.ts` in child
 * processes, each with its own memory, pool and port) over one database. The concurrency proofs
 * hold across them because nothing that decides them lives in a process: capacity, idempotency
 * and a personal assistant's slot are all held by PostgreSQL.
 */
import { BookingEntity } from "../../src/modules/bookings/booking.entity";
import { VisitEntity } from "../../src/modules/bookings/visit.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi, type GraphQLResponse } from "../support/api";
import { removeBuild, startApiProcess, type ApiProcess } from "../support/api-process";
import { workerDatabaseUrl } from "../support/db";
import { aBudget, aClientUser, aListing, aPersonalAssistant, aProvider, ledgerMismatches } from "../support/factories";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;
type Answer = GraphQLResponse<{ createBooking: { booking: { id: string; status: string } | null; userErrors: { code: string }[] } }>;

const DAY_MS = 86_400_000;
/** Ceilings, not expectations: ~15 s for the file on a quiet machine, up to 90 s at a load average of 20 on two cores. */
const LOADED_MACHINE_MS = 120_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe("two API processes over one database", () => {
  const api = useApi();
  let processes: ApiProcess[] = [];
  beforeAll(async () => {
    const url = await workerDatabaseUrl();
    processes = await Promise.all([startApiProcess(url), startApiProcess(url)]);
  }, LOADED_MACHINE_MS);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await removeBuild();
  });
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  // The processes run on the real clock: budgets start today, visits a week or more ahead.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const period = { periodStart: isoDay(today), periodEnd: isoDay(today + 364 * DAY_MS), reviewDueOn: isoDay(today + 182 * DAY_MS) };
  /** A Monday, 01:00 UTC, 8 to 14 days ahead (day 0, 1 January 1970, was a Thursday: weekday 3 counting from Monday). */
  const monday = today + (14 - ((today / DAY_MS + 3) % 7)) * DAY_MS + 3_600_000;

  const aBooker = async (client?: ClientEntity) => {
    const { user, client: holder } = await aClientUser(api.db, client);
    const budget = await aBudget(api.db, holder, period);
    return { user, budget, token: await api.app.services.tokens.issue(user.subject) };
  };
  /** Request i goes to process i mod 2: half the load on each. */
  const book = (i: number, token: string, input: Record<string, unknown>) =>
    processes[i % 2].post(CREATE, { input: { unitsPerVisit: 1, ...input } }, token) as Promise<Answer>;
  const outcome = (answer: Answer) =>
    answer.errors ? "ERROR" : (answer.data!.createBooking.booking?.status ?? answer.data!.createBooking.userErrors.map((e) => e.code).join());
  const tally = (answers: Answer[]) => answers.map(outcome).reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
  const bookers = (n: number) => Promise.all(Array.from({ length: n }, () => aBooker()));

  it("runs two separate server processes, both serving", async () => {
    expect(processes).toHaveLength(2);
    expect(new Set([process.pid, ...processes.map((p) => p.pid)]).size).toBe(3);
    expect(processes[0].url).not.toBe(processes[1].url);
    const { token } = await aBooker();
    for (const p of processes) expect(await p.post("{ viewer { roles } }", {}, token)).toEqual({ data: { viewer: { roles: ["CLIENT"] } } });
  });

  it(
    "200 bookings split across both against a week with room for 20: exactly 20 booked, 180 NO_CAPACITY",
    async () => {
      const listing = await aListing(api.db, await aProvider(api.db), { pricePence: 1500, weeklyCapacityUnits: 20 });
      const people = await bookers(200);
      // One hour each, 45 minutes apart: all in one week, by 200 different budgets (no budget lock orders them).
      const answers = await Promise.all(
        people.map(({ token, budget }, i) =>
          book(i, token, {
            listingId: toGlobalId("Listing", listing.id),
            budgetId: toGlobalId("Budget", budget.id),
            startsAt: new Date(monday + i * 45 * 60_000).toISOString(),
            idempotencyKey: `cap-${i}`,
          }),
        ),
      );
      expect(tally(answers)).toEqual({ REQUESTED: 20, NO_CAPACITY: 180 });
      expect(await api.db.getRepository(VisitEntity).sum("units", { providerId: listing.providerId })).toBe(20);
      expect(await api.db.getRepository(BookingEntity).count()).toBe(20);
    },
    LOADED_MACHINE_MS,
  );

  it("one idempotency key retried 40 times on both at once: one booking, one commitment, the same answer everywhere", async () => {
    const { token, budget } = await aBooker();
    const listing = await aListing(api.db, await aProvider(api.db));
    const input = {
      listingId: toGlobalId("Listing", listing.id),
      budgetId: toGlobalId("Budget", budget.id),
      startsAt: new Date(monday + 8 * 3_600_000).toISOString(),
      recurrence: "FREQ=DAILY;COUNT=5",
      idempotencyKey: "retry-me-anywhere",
    };
    const answers = await Promise.all(Array.from({ length: 40 }, (_v, i) => book(i, token, input)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(outcome(answers[0])).toBe("REQUESTED");
    expect(await api.db.getRepository(BookingEntity).count()).toBe(1);
    expect(await api.db.getRepository(VisitEntity).count()).toBe(5);
    expect(await api.db.getRepository("ledger_entries").countBy({ budgetId: budget.id, kind: "COMMITMENT" as never })).toBe(1);

    // The key is held in the database, not in the process that first saw it: another command under it is refused on either.
    const reused = await Promise.all([0, 1].map((i) => book(i, token, { ...input, recurrence: null })));
    expect(reused.map(outcome)).toEqual(["IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_REUSED"]);
  });

  it("one personal assistant's slot asked for by 40 clients on both at once: one booking, 39 SLOT_TAKEN", async () => {
    const pa = await aPersonalAssistant(api.db);
    const people = await bookers(40);
    const answers = await Promise.all(
      people.map(({ token, budget }, i) =>
        book(i, token, {
          listingId: toGlobalId("Listing", pa.listing.id),
          budgetId: toGlobalId("Budget", budget.id),
          startsAt: new Date(monday + 8 * 3_600_000 + (i % 30) * 60_000).toISOString(), // 09:00–09:29 an hour each: all overlap
          recurrence: "FREQ=WEEKLY;COUNT=4",
          idempotencyKey: `pa-${i}`,
        }),
      ),
    );
    expect(tally(answers)).toEqual({ REQUESTED: 1, SLOT_TAKEN: 39 });
    expect(await api.db.getRepository(VisitEntity).count()).toBe(4);
    expect(await api.db.query("SELECT count(*)::int AS n FROM budgets WHERE committed_pence > 0")).toEqual([{ n: 1 }]);
  });
});
