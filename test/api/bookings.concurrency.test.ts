/**
 * Money under load: many real requests at once against real PostgreSQL. After every scenario,
 * each budget's totals equal its ledger's sums and nothing is available below zero.
 */
import { Client } from "pg";
import type { UserEntity } from "../../src/modules/auth";
import { BookingEntity, VisitEntity } from "../../src/modules/bookings";
import { BudgetEntity, LedgerEntryEntity } from "../../src/modules/budgets";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { workerDatabaseUrl } from "../support/db";
import { aBudget, aClientUser, aCommissioner, aListing, aPersonalAssistant, aProvider, ledgerMismatches } from "../support/factories";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;
type Answer = { data?: { createBooking: { booking: { id: string; status: string } | null; userErrors: { code: string }[] } } | null; errors?: unknown[] };

describe("bookings under concurrency", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  const bookAs = (user: UserEntity, input: Record<string, unknown>) => api.execute(CREATE, { input: { unitsPerVisit: 1, ...input } }, { as: user }) as Promise<Answer>;
  const outcome = (answer: Answer) => answer.errors ? "ERROR" : (answer.data!.createBooking.booking?.status ?? answer.data!.createBooking.userErrors.map((e) => e.code).join());
  const tally = (answers: Answer[]) => answers.map(outcome).reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});

  it("200 bookings at once against room for exactly 50: 50 succeed, 150 are INSUFFICIENT_BUDGET, nothing overspent", async () => {
    const { user, client } = await aClientUser(api.db);
    const listing = await aListing(api.db, await aProvider(api.db), { pricePence: 1500 });
    const budget = await aBudget(api.db, client, { allocatedPence: 50 * 1500 });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        bookAs(user, {
          listingId: toGlobalId("Listing", listing.id),
          budgetId: toGlobalId("Budget", budget.id),
          startsAt: new Date(Date.UTC(2026, 3, 1, 8) + i * 3_600_000).toISOString(),
          idempotencyKey: `k${i}`,
        }),
      ),
    );
    expect(tally(answers)).toEqual({ REQUESTED: 50, INSUFFICIENT_BUDGET: 150 });
    const after = await api.db.getRepository(BudgetEntity).findOneByOrFail({ id: budget.id });
    expect(after).toMatchObject({ committedPence: 75_000, allocatedPence: 75_000 });
    expect(await api.db.getRepository(BookingEntity).count()).toBe(50);
    expect(await api.db.getRepository(VisitEntity).count()).toBe(50);
  });

  it("50 overlapping bookings of one personal assistant at once: one succeeds, 49 are SLOT_TAKEN", async () => {
    const pa = await aPersonalAssistant(api.db);
    const clients = await Promise.all(Array.from({ length: 50 }, async () => {
      const { user, client } = await aClientUser(api.db);
      return { user, budget: await aBudget(api.db, client) };
    }));
    const answers = await Promise.all(
      clients.map(({ user, budget }, i) =>
        bookAs(user, {
          listingId: toGlobalId("Listing", pa.listing.id),
          budgetId: toGlobalId("Budget", budget.id),
          startsAt: new Date(Date.UTC(2026, 4, 4, 9, i % 30)).toISOString(), // 09:00–09:29, an hour each: all overlap
          recurrence: "FREQ=WEEKLY;COUNT=4",
          idempotencyKey: "same-key-different-users",
        }),
      ),
    );
    expect(tally(answers)).toEqual({ REQUESTED: 1, SLOT_TAKEN: 49 });
    expect(await api.db.getRepository(VisitEntity).count()).toBe(4);
    expect(await api.db.query("SELECT count(*)::int AS n FROM budgets WHERE committed_pence > 0")).toEqual([{ n: 1 }]);
  });

  it("50 retries with one idempotency key at once: one booking, one commitment, 50 identical answers", async () => {
    const { user, client } = await aClientUser(api.db);
    const listing = await aListing(api.db, await aProvider(api.db));
    const budget = await aBudget(api.db, client);
    const input = { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id), startsAt: "2026-04-06T09:00:00Z", recurrence: "FREQ=DAILY;COUNT=5", idempotencyKey: "retry-me" };
    const answers = await Promise.all(Array.from({ length: 50 }, () => bookAs(user, input)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].data?.createBooking.booking?.status).toBe("REQUESTED");
    expect(await api.db.getRepository(BookingEntity).count()).toBe(1);
    expect(await api.db.getRepository(LedgerEntryEntity).countBy({ budgetId: budget.id, kind: "COMMITMENT" as never })).toBe(1);
  });

  it("a database connection killed mid-booking leaves no partial rows, and the server keeps serving", async () => {
    const { user, client } = await aClientUser(api.db);
    const listing = await aListing(api.db, await aProvider(api.db));
    const budget = await aBudget(api.db, client);
    const input = (key: string) => ({ listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id), startsAt: "2026-04-06T09:00:00Z", idempotencyKey: key });

    // Hold the budget row, so the booking stops inside its transaction, after writing its booking and visits.
    const blocker = new Client({ connectionString: await workerDatabaseUrl() });
    await blocker.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM budgets WHERE id = $1 FOR NO KEY UPDATE", [budget.id]);
      const pending = bookAs(user, input("doomed"));
      let pid: number | undefined;
      for (let tries = 0; !pid && tries < 100; tries++) {
        await new Promise((r) => setTimeout(r, 20));
        const rows = await blocker.query("SELECT pid, query FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))");
        pid = rows.rows[0]?.pid;
        if (pid) expect(rows.rows[0].query).toMatch(/FROM "budgets"/); // the budget lock: it has written its booking and visits
      }
      expect(pid).toBeDefined();
      await blocker.query("SELECT pg_terminate_backend($1)", [pid]);
      const killed = await pending;
      expect(killed.data).toBeNull();
      expect(killed.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "SERVICE_UNAVAILABLE" }) })]);
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
    expect(await api.db.getRepository(BookingEntity).count()).toBe(0);
    expect(await api.db.getRepository(VisitEntity).count()).toBe(0);
    expect(await api.db.query("SELECT count(*)::int AS n FROM idempotency_keys")).toEqual([{ n: 0 }]);

    const retried = await bookAs(user, input("doomed"));
    expect(outcome(retried)).toBe("REQUESTED");
  });

  it("bookings, cancellations and top-ups racing on shared budgets never overspend", async () => {
    const holders = await Promise.all(Array.from({ length: 3 }, () => aClientUser(api.db)));
    const budgets = await Promise.all(holders.map(({ client }) => aBudget(api.db, client, { allocatedPence: 20_000 })));
    const listing = await aListing(api.db, await aProvider(api.db), { pricePence: 1000 });
    const commissioner = await aCommissioner(api.db);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 90; i++) {
      const n = i % 3;
      if (i % 10 === 0) {
        const topUp = { budgetId: toGlobalId("Budget", budgets[n].id), amountPence: 3000, idempotencyKey: `top-up-${i}` };
        work.push(api.execute("mutation ($input: TopUpBudgetInput!) { topUpBudget(input: $input) { userErrors { code } } }", { input: topUp }, { as: commissioner }));
      }
      work.push(
        bookAs(holders[n].user, {
          listingId: toGlobalId("Listing", listing.id),
          budgetId: toGlobalId("Budget", budgets[n].id),
          startsAt: new Date(Date.UTC(2026, 4, 1, 8) + i * 3_600_000).toISOString(),
          recurrence: i % 2 ? "FREQ=DAILY;COUNT=2" : null,
          idempotencyKey: `race-${i}`,
        }).then(async (answer) => {
          const booking = answer.data?.createBooking.booking;
          if (booking && i % 5 === 0) {
            await api.execute("mutation ($input: BookingDecisionInput!) { cancelBooking(input: $input) { userErrors { code } } }", { input: { bookingId: booking.id } }, { as: holders[n].user });
          }
        }),
      );
    }
    await Promise.all(work);
    const rows: { allocated: string; available: string }[] = await api.db.query(
      "SELECT allocated_pence AS allocated, allocated_pence - committed_pence - spent_pence - returned_pence AS available FROM budgets",
    );
    expect(rows.map((r) => Number(r.allocated))).toEqual([29_000, 29_000, 29_000]); // every top-up landed
    for (const { available } of rows) expect(Number(available)).toBeGreaterThanOrEqual(0);
  });
});
