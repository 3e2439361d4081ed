/**
 * Money under load: many real requests at once against real PostgreSQL. After every scenario,
 * each budget's totals equal its ledger's sums and nothing is available below zero.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BookingEntity } from "../../src/modules/bookings/booking.entity";
import { VisitEntity } from "../../src/modules/bookings/visit.entity";
import { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi, type GraphQLResponse } from "../support/api";
import { aBudget, aClientUser, aCommissioner, aListing, aPersonalAssistant, aProvider, ledgerMismatches, MERTON } from "../support/factories";
import { aConnection, theWaiterOn } from "../support/locks";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code } } }
`;
type Answer = { data?: { createBooking: { booking: { id: string; status: string } | null; userErrors: { code: string }[] } } | null; errors?: unknown[] };
type Cancelled = GraphQLResponse<{ cancelBooking: { booking: { status: string } | null; userErrors: { code: string }[] } }>;

describe("bookings under concurrency", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  const bookAs = (user: UserEntity, input: Record<string, unknown>) =>
    api.executeRetrying(CREATE, { input: { unitsPerVisit: 1, ...input } }, { as: user }) as Promise<Answer>;
  const outcome = (answer: Answer) =>
    answer.errors ? "ERROR" : (answer.data!.createBooking.booking?.status ?? answer.data!.createBooking.userErrors.map((e) => e.code).join());
  const tally = (answers: Answer[]) => answers.map(outcome).reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
  const setRate = async (commissioner: UserEntity, rate: { categoryCode: string; ratePence: number }) => {
    const answer = await api.data<{ setReferenceRate: { userErrors: unknown[] } }>(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      { input: { fundingBodyCode: MERTON, unit: "HOUR", validFrom: "2023-04-01", source: "test", ...rate } },
      { as: commissioner },
    );
    expect(answer.setReferenceRate.userErrors).toEqual([]);
  };

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
    const clients = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const { user, client } = await aClientUser(api.db);
        return { user, budget: await aBudget(api.db, client) };
      }),
    );
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
    const input = {
      listingId: toGlobalId("Listing", listing.id),
      budgetId: toGlobalId("Budget", budget.id),
      startsAt: "2026-04-06T09:00:00Z",
      recurrence: "FREQ=DAILY;COUNT=5",
      idempotencyKey: "retry-me",
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => bookAs(user, input)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].data?.createBooking.booking?.status).toBe("REQUESTED");
    expect(await api.db.getRepository(BookingEntity).count()).toBe(1);
    expect(await api.db.getRepository("ledger_entries").countBy({ budgetId: budget.id, kind: "COMMITMENT" as never })).toBe(1);
  });

  it("a database connection killed mid-booking leaves no partial rows, and the server keeps serving", async () => {
    const commissioner = await aCommissioner(api.db);
    await setRate(commissioner, { categoryCode: "PERSONAL_CARE", ratePence: 3000 });
    const { user, client } = await aClientUser(api.db);
    const listing = await aListing(api.db, await aProvider(api.db));
    const budget = await aBudget(api.db, client);
    const input = (key: string) => ({
      listingId: toGlobalId("Listing", listing.id),
      budgetId: toGlobalId("Budget", budget.id),
      startsAt: "2026-04-06T09:00:00Z",
      idempotencyKey: key,
    });

    // Hold the reference rate: only visits refer to it, so the booking stops inside its transaction
    // on its visits' foreign-key check, with its key claimed, its budget locked and its booking and
    // visits written. Then kill exactly the backend waiting on that lock.
    const blocker = await aConnection();
    const monitor = await aConnection();
    try {
      await blocker.client.query("BEGIN");
      await blocker.client.query("SELECT 1 FROM reference_rates WHERE category_code = 'PERSONAL_CARE' FOR UPDATE");
      // Not retried: this answer must be the killed attempt's own.
      const pending = api.execute(CREATE, { input: { unitsPerVisit: 1, ...input("doomed") } }, { as: user }) as Promise<Answer>;
      const waiter = await theWaiterOn(monitor, blocker.pid, "the booking to reach its visits");
      expect(waiter.query).toMatch(/^INSERT INTO "visits"/);
      expect((await monitor.client.query("SELECT pg_terminate_backend($1) AS killed", [waiter.pid])).rows).toEqual([{ killed: true }]);
      const killed = await pending;
      expect(killed.data).toBeNull();
      expect(killed.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "SERVICE_UNAVAILABLE" }) })]);
    } finally {
      await blocker.client.query("ROLLBACK");
      await blocker.end();
      await monitor.end();
    }
    expect(await api.db.getRepository(BookingEntity).count()).toBe(0);
    expect(await api.db.getRepository(VisitEntity).count()).toBe(0);
    expect(await api.db.getRepository("ledger_entries").countBy({ budgetId: budget.id })).toBe(1); // the allocation
    expect(await api.db.query("SELECT count(*)::int AS n FROM idempotency_keys")).toEqual([{ n: 0 }]);

    const retried = await bookAs(user, input("doomed"));
    expect(outcome(retried)).toBe("REQUESTED");
  });

  it("bookings, cancellations and top-ups racing on shared budgets never overspend, and every answer adds up", async () => {
    const holders = await Promise.all(Array.from({ length: 3 }, () => aClientUser(api.db)));
    const budgets = await Promise.all(holders.map(({ client }) => aBudget(api.db, client, { allocatedPence: 20_000 })));
    const listing = await aListing(api.db, await aProvider(api.db), { pricePence: 1000 });
    const commissioner = await aCommissioner(api.db);
    type Made = { n: number; costPence: number; booked: Answer; cancelled?: Cancelled };
    const topUps: Promise<GraphQLResponse<{ topUpBudget: { userErrors: { code: string }[] } }>>[] = [];
    const made: Promise<Made>[] = [];
    for (let i = 0; i < 90; i++) {
      const n = i % 3;
      if (i % 10 === 0) {
        const topUp = { budgetId: toGlobalId("Budget", budgets[n].id), amountPence: 3000, idempotencyKey: `top-up-${i}` };
        topUps.push(
          api.executeRetrying(
            "mutation ($input: TopUpBudgetInput!) { topUpBudget(input: $input) { userErrors { code } } }",
            { input: topUp },
            { as: commissioner },
          ),
        );
      }
      const visits = i % 2 ? 2 : 1;
      made.push(
        bookAs(holders[n].user, {
          listingId: toGlobalId("Listing", listing.id),
          budgetId: toGlobalId("Budget", budgets[n].id),
          startsAt: new Date(Date.UTC(2026, 4, 1, 8) + i * 3_600_000).toISOString(),
          recurrence: visits === 2 ? "FREQ=DAILY;COUNT=2" : null,
          idempotencyKey: `race-${i}`,
        }).then(async (booked) => {
          const booking = booked.data?.createBooking.booking;
          const cancelled =
            booking && i % 5 === 0
              ? await (api.executeRetrying(
                  "mutation ($input: BookingDecisionInput!) { cancelBooking(input: $input) { booking { status } userErrors { code } } }",
                  { input: { bookingId: booking.id, idempotencyKey: aKey() } },
                  { as: holders[n].user },
                ) as Promise<Cancelled>)
              : undefined;
          return { n, costPence: visits * 1000, booked, cancelled };
        }),
      );
    }
    const answers = await Promise.all(made);

    // Every top-up landed; every booking was made or refused for want of money; every cancellation worked.
    expect(await Promise.all(topUps)).toEqual(Array(9).fill({ data: { topUpBudget: { userErrors: [] } } }));
    for (const { booked } of answers) expect(["REQUESTED", "INSUFFICIENT_BUDGET"]).toContain(outcome(booked));
    // Whichever booking locks a budget first fits (20,000p against at most 2,000p), so each budget has one at least.
    for (const n of [0, 1, 2]) expect(answers.filter((a) => a.n === n && outcome(a.booked) === "REQUESTED").length).toBeGreaterThan(0);
    for (const { cancelled } of answers.filter((a) => a.cancelled))
      expect(cancelled).toEqual({ data: { cancelBooking: { booking: { status: "CANCELLED" }, userErrors: [] } } });

    // What each budget holds is exactly what its answers say: the bookings made and not cancelled.
    const rows: { id: string; allocated: number; committed: number; available: number }[] = await api.db.query(
      "SELECT id, allocated_pence::int AS allocated, committed_pence::int AS committed, (allocated_pence - committed_pence - spent_pence - returned_pence)::int AS available FROM budgets",
    );
    for (const [n, budget] of budgets.entries()) {
      const held = answers.filter((a) => a.n === n && outcome(a.booked) === "REQUESTED" && !a.cancelled).reduce((sum, a) => sum + a.costPence, 0);
      expect(rows.find((r) => r.id === budget.id)).toEqual({ id: budget.id, allocated: 29_000, committed: held, available: 29_000 - held });
      expect(29_000 - held).toBeGreaterThanOrEqual(0);
    }
    expect(await api.db.getRepository(BookingEntity).countBy({ status: "REQUESTED" as never })).toBe(
      answers.filter((a) => outcome(a.booked) === "REQUESTED" && !a.cancelled).length,
    );
  });
});
