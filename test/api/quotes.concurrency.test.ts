/**
 * Two rival quotes for one request accepted at the same moment: one booking, one refusal, never
 * a deadlock. Held deterministically: the test holds the request row, both acceptances queue on
 * it, and then it lets go.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi, type GraphQLResponse } from "../support/api";
import { aBudget, aClientUser, aListing, aProvider, aProviderMember, ledgerMismatches } from "../support/factories";
import { aConnection, eventually } from "../support/locks";

const ACCEPT = "mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { booking { status quote { id } } userErrors { code } } }";
type Accepted = GraphQLResponse<{ acceptQuote: { booking: { status: string; quote: { id: string } } | null; userErrors: { code: string }[] } }>;

describe("quotes under concurrency", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  async function quoteFrom(user: UserEntity, requestId: string, listingId: string): Promise<string> {
    const { submitQuote } = await api.data<{ submitQuote: { quote: { id: string } | null; userErrors: unknown[] } }>(
      "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } userErrors { code } } }",
      {
        input: {
          requestId,
          listingId: toGlobalId("Listing", listingId),
          unitPricePence: 2200,
          startsAt: "2026-04-06T07:00:00Z",
          recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
          validUntil: "2026-03-15T00:00:00Z",
        },
      },
      { as: user },
    );
    expect(submitQuote.userErrors).toEqual([]);
    return submitQuote.quote!.id;
  }

  it("rival quotes accepted at once: one is booked, the other is INVALID_TRANSITION, and nothing deadlocks", async () => {
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder);
    const providers = await Promise.all(
      [0, 1].map(async () => {
        const member = await aProviderMember(api.db, await aProvider(api.db));
        return { member, listing: await aListing(api.db, member.provider, { categoryCode: "PERSONAL_CARE" }) };
      }),
    );
    const { requestQuote } = await api.data<{ requestQuote: { quoteRequest: { id: string }; userErrors: unknown[] } }>(
      "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }",
      {
        input: {
          clientId: toGlobalId("Client", holder.id),
          categoryCode: "PERSONAL_CARE",
          description: "Mornings.",
          unitsPerWeek: 5,
          schedule: "Weekdays 08:00-09:00",
          startsOn: "2026-04-06",
          endsOn: "2026-04-19",
        },
      },
      { as: client },
    );
    expect(requestQuote.userErrors).toEqual([]);
    const requestId = requestQuote.quoteRequest.id;
    const quotes = [];
    for (const { member, listing } of providers) quotes.push(await quoteFrom(member.user, requestId, listing.id));

    const blocker = await aConnection();
    const monitor = await aConnection();
    let answers: Accepted[];
    try {
      await blocker.client.query("BEGIN");
      await blocker.client.query("SELECT 1 FROM quote_requests FOR NO KEY UPDATE");
      const pending = quotes.map(
        (quoteId, i) =>
          api.executeRetrying(
            ACCEPT,
            { input: { quoteId, budgetId: toGlobalId("Budget", budget.id), idempotencyKey: `accept-${i}` } },
            { as: client },
          ) as Promise<Accepted>,
      );
      // Both acceptances are waiting on a lock (the request row, held here, or each other's turn for it).
      await eventually("both acceptances to wait", async () => {
        const { rows } = await monitor.client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1",
          [monitor.pid],
        );
        return rows[0].n === 2 ? true : null;
      });
      await blocker.client.query("ROLLBACK");
      answers = await Promise.all(pending);
    } finally {
      await blocker.client.query("ROLLBACK");
      await blocker.end();
      await monitor.end();
    }
    const outcomes = answers.map((a) =>
      a.errors ? "ERROR" : a.data!.acceptQuote.booking ? "BOOKED" : a.data!.acceptQuote.userErrors.map((e) => e.code).join(),
    );
    expect(outcomes.sort()).toEqual(["BOOKED", "INVALID_TRANSITION"]);
    const booked = answers.find((a) => a.data?.acceptQuote.booking)!.data!.acceptQuote.booking!;
    expect(booked.status).toBe("CONFIRMED");
    const statuses: { id: string; status: string }[] = await api.db.query("SELECT id, status FROM quotes");
    const accepted = quotes.find((q) => q === booked.quote.id);
    expect(statuses.map((s) => (toGlobalId("Quote", s.id) === accepted ? `accepted:${s.status}` : `rival:${s.status}`)).sort()).toEqual([
      "accepted:ACCEPTED",
      "rival:DECLINED",
    ]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM bookings")).toEqual([{ n: 1 }]);
  });
});
