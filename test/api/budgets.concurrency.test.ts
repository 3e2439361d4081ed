/**
 * A budget's gain policy changing while bookings are made and visits delivered from it. Every
 * earmark must be the one the policy in force when it was posted gives: a booking reads the
 * policy under the budget's lock, so no change can land between that read and its posting.
 *
 * "In force when posted" is recorded by the database itself: a trigger (this file's own, dropped
 * afterwards) logs, for every commitment a booking posts, the policy its budget row has at that
 * moment, inside the posting transaction.
 */
import { earmarks } from "../../src/modules/budgets";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi, type GraphQLResponse } from "../support/api";
import { aBudget, aClientUser, aCommissioner, aListing, aProvider, aProviderMember, ledgerMismatches, MERTON } from "../support/factories";
import { aConnection, eventually, theWaiterOn, waitersOn } from "../support/locks";

const LOG_POLICY_AT_POSTING = `
  CREATE TABLE IF NOT EXISTS test_policy_at_posting (ledger_entry_id uuid PRIMARY KEY, booking_id uuid NOT NULL, return_percent smallint NOT NULL);
  CREATE OR REPLACE FUNCTION test_log_policy_at_posting() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO test_policy_at_posting SELECT NEW.id, NEW.booking_id, b.gain_return_percent FROM budgets b WHERE b.id = NEW.budget_id;
    RETURN NULL;
  END $$;
  CREATE OR REPLACE TRIGGER test_log_policy_at_posting AFTER INSERT ON ledger_entries
    FOR EACH ROW WHEN (NEW.kind = 'COMMITMENT' AND NEW.booking_id IS NOT NULL) EXECUTE FUNCTION test_log_policy_at_posting();`;
const UNLOG = `
  DROP TRIGGER IF EXISTS test_log_policy_at_posting ON ledger_entries;
  DROP FUNCTION IF EXISTS test_log_policy_at_posting();
  DROP TABLE IF EXISTS test_policy_at_posting;`;

const CREATE =
  "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status visits(first: 100) { nodes { id } } } userErrors { code message } } }";
const SET_POLICY =
  "mutation ($input: SetGainPolicyInput!) { setGainPolicy(input: $input) { budget { gainPolicy { mode returnPercent } } userErrors { code message } } }";
const RECORD = "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { visit { status } userErrors { code message } } }";
type Booked = GraphQLResponse<{
  createBooking: { booking: { id: string; status: string; visits: { nodes: { id: string }[] } } | null; userErrors: unknown[] };
}>;
type PolicySet = GraphQLResponse<{ setGainPolicy: { budget: { gainPolicy: { mode: string; returnPercent: number } } | null; userErrors: unknown[] } }>;
type Recorded = GraphQLResponse<{ recordVisit: { visit: { status: string } | null; userErrors: unknown[] } }>;
type Policy = { mode: "RETAIN" | "RETURN" | "SHARE"; returnPercent?: number };

describe("gain policy changes racing bookings and deliveries", () => {
  const api = useApi();
  beforeAll(async () => {
    const setup = await aConnection();
    await setup.client.query(LOG_POLICY_AT_POSTING).finally(() => setup.end());
  });
  afterAll(async () => {
    const teardown = await aConnection();
    await teardown.client.query(UNLOG).finally(() => teardown.end());
  });
  beforeEach(async () => {
    await api.db.query("TRUNCATE test_policy_at_posting");
    api.clock.set("2026-03-01T10:00:00Z");
  });
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  /** A budget whose bookings save 600p an hour against Merton's rate, its holder, a provider. */
  async function world() {
    const commissioner = await aCommissioner(api.db);
    const rate = await api.data<{ setReferenceRate: { userErrors: unknown[] } }>(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      { input: { fundingBodyCode: MERTON, categoryCode: "PERSONAL_CARE", unit: "HOUR", ratePence: 3000, validFrom: "2023-04-01", source: "test" } },
      { as: commissioner },
    );
    expect(rate.setReferenceRate.userErrors).toEqual([]);
    const { user: holder, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client, { allocatedPence: 5_000_000 });
    const provider = await aProvider(api.db);
    const listing = await aListing(api.db, provider, { pricePence: 2400 });
    const { user: member } = await aProviderMember(api.db, provider);
    const book = (startsAt: string, key: string, recurrence: string | null = "FREQ=DAILY;COUNT=3") =>
      api.executeRetrying(
        CREATE,
        {
          input: {
            listingId: toGlobalId("Listing", listing.id),
            budgetId: toGlobalId("Budget", budget.id),
            startsAt,
            recurrence,
            unitsPerVisit: 1,
            idempotencyKey: key,
          },
        },
        { as: holder },
      ) as Promise<Booked>;
    const setPolicy = (policy: Policy) =>
      api.executeRetrying(SET_POLICY, { input: { budgetId: toGlobalId("Budget", budget.id), ...policy } }, { as: commissioner }) as Promise<PolicySet>;
    return { commissioner, holder, budget, listing, member, book, setPolicy };
  }

  /**
   * Bookings whose earmarks are not what the policy in force when they were posted gives, visit by
   * visit and in the ledger; a booking whose posting was not seen counts too.
   */
  async function earmarkMismatches(): Promise<unknown[]> {
    const rows: { booking_id: string; percents: number[] | null; savings: (number | null)[]; marks: number[]; cost: number; committed: number }[] = await api.db
      .query(`
      SELECT b.id AS booking_id,
             (SELECT array_agg(DISTINCT p.return_percent) FROM test_policy_at_posting p WHERE p.booking_id = b.id) AS percents,
             array_agg(v.reference_cost_pence - v.cost_pence ORDER BY v.starts_at, v.id) AS savings,
             array_agg(v.earmark_pence ORDER BY v.starts_at, v.id) AS marks,
             sum(v.cost_pence)::int AS cost,
             (SELECT sum(e.amount_pence)::int FROM ledger_entries e WHERE e.booking_id = b.id AND e.kind = 'COMMITMENT') AS committed
      FROM bookings b JOIN visits v ON v.booking_id = b.id GROUP BY b.id`);
    return rows.flatMap((row): unknown[] => {
      if (row.percents?.length !== 1) return [{ ...row, why: "not one policy at posting" }];
      const expected = earmarks(row.savings, row.percents[0]);
      const total = expected.reduce((a, b) => a + b, 0);
      return JSON.stringify(expected) === JSON.stringify(row.marks) && row.committed === row.cost + total ? [] : [{ ...row, expected }];
    });
  }

  it("a policy change while a booking is between reading its budget and posting waits for the booking", async () => {
    const { listing, book, setPolicy } = await world();
    // Hold the listing: the booking stops on its booking row's foreign-key check, after it has read
    // its budget (and, with the fix, locked it) and before it posts anything.
    const blocker = await aConnection();
    const monitor = await aConnection();
    let booked: Booked;
    let policy: PolicySet;
    try {
      await blocker.client.query("BEGIN");
      await blocker.client.query("SELECT 1 FROM listings WHERE id = $1 FOR UPDATE", [listing.id]);
      const pendingBooking = book("2026-04-06T09:00:00Z", "held");
      const booking = await theWaiterOn(monitor, blocker.pid, "the booking to reach its booking row");
      expect(booking.query).toMatch(/^INSERT INTO "bookings"/);

      let answered = false;
      const pendingPolicy = setPolicy({ mode: "RETURN" }).finally(() => (answered = true));
      const change = await eventually("the policy change to wait or answer", async () =>
        answered ? "answered" : (await waitersOn(monitor, booking.pid)).length > 0 ? "waits for the booking" : null,
      );
      expect(change).toBe("waits for the booking");
      await blocker.client.query("ROLLBACK");
      [booked, policy] = await Promise.all([pendingBooking, pendingPolicy]);
    } finally {
      await blocker.client.query("ROLLBACK");
      await blocker.end();
      await monitor.end();
    }
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.createBooking.userErrors).toEqual([]);
    expect(policy).toEqual({ data: { setGainPolicy: { budget: { gainPolicy: { mode: "RETURN", returnPercent: 100 } }, userErrors: [] } } });
    // Booked under RETAIN, which was in force until the change that waited for it: nothing earmarked.
    expect(await api.db.query("SELECT sum(earmark_pence)::int AS earmarked FROM visits")).toEqual([{ earmarked: 0 }]);
    expect(await earmarkMismatches()).toEqual([]);
  });

  it("many policy changes, bookings and deliveries at once on one budget: every earmark follows the policy in force when it was posted", async () => {
    const { member, book, setPolicy } = await world();
    // Two confirmed bookings whose visits are due by the time the race starts.
    const due: string[] = [];
    for (const [i, startsAt] of ["2026-04-01T09:00:00Z", "2026-04-01T12:00:00Z"].entries()) {
      const made = await book(startsAt, `due-${i}`, "FREQ=DAILY;COUNT=10");
      expect(made.data!.createBooking.userErrors).toEqual([]);
      const confirmed = await api.data<{ confirmBooking: { userErrors: unknown[] } }>(
        "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
        { input: { bookingId: made.data!.createBooking.booking!.id, idempotencyKey: aKey() } },
        { as: member },
      );
      expect(confirmed.confirmBooking.userErrors).toEqual([]);
      due.push(...made.data!.createBooking.booking!.visits.nodes.map((v) => v.id));
    }
    api.clock.set("2026-05-01T10:00:00Z");

    // Lanes running side by side, each one request after another, so that policy changes keep
    // landing while bookings are under way (all fired at once, the short changes finish first).
    const policies: Policy[] = [{ mode: "RETURN" }, { mode: "SHARE", returnPercent: 25 }, { mode: "RETAIN" }, { mode: "SHARE", returnPercent: 60 }];
    const lane = async <T>(count: number, request: (i: number) => Promise<T>): Promise<T[]> => {
      const answers: T[] = [];
      for (let i = 0; i < count; i++) answers.push(await request(i));
      return answers;
    };
    const startsAt = (lane: number, i: number) => new Date(Date.UTC(2026, 5, 1 + 3 * i, 8 + 2 * lane)).toISOString();
    const [changed, recorded, ...made] = (await Promise.all([
      lane(40, (i) => setPolicy(policies[i % policies.length])),
      lane(due.length, (i) =>
        api.executeRetrying<Recorded>(RECORD, { input: { visitId: due[i], outcome: "DELIVERED", idempotencyKey: aKey() } }, { as: member }),
      ),
      ...[0, 1, 2, 3].map((l) => lane(10, (i) => book(startsAt(l, i), `race-${l}-${i}`))),
    ])) as [PolicySet[], Recorded[], ...Booked[][]];

    for (const answer of made.flat()) expect(answer).toMatchObject({ data: { createBooking: { booking: { status: "REQUESTED" }, userErrors: [] } } });
    for (const [i, answer] of changed.entries()) {
      const { mode, returnPercent } = policies[i % policies.length];
      expect(answer).toEqual({
        data: { setGainPolicy: { budget: { gainPolicy: { mode, returnPercent: returnPercent ?? (mode === "RETURN" ? 100 : 0) } }, userErrors: [] } },
      });
    }
    for (const answer of recorded) expect(answer).toEqual({ data: { recordVisit: { visit: { status: "DELIVERED" }, userErrors: [] } } });
    expect(await earmarkMismatches()).toEqual([]);
    const [{ available }] = await api.db.query("SELECT (allocated_pence - committed_pence - spent_pence - returned_pence)::int AS available FROM budgets");
    expect(available).toBeGreaterThanOrEqual(0);
  });
});
