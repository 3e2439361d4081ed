/**
 * A listing's weekly capacity is a promise (issue 10, item 1): no week's booked units pass it, on
 * any path, and not when many bookings arrive at once.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { VisitEntity } from "../../src/modules/bookings/visit.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBudget, aClientUser, aListing, aProvider, aProviderMember, ledgerMismatches } from "../support/factories";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status } userErrors { code message field } } }
`;
const REQUEST = "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }";
const SUBMIT = "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } userErrors { code } } }";
const ACCEPT = "mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { booking { id } userErrors { code message field } } }";
type Answer = {
  data?: { createBooking: { booking: { id: string; status: string } | null; userErrors: { code: string; message: string; field: string[] }[] } } | null;
  errors?: unknown[];
};

describe("weekly capacity", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  let keys = 0;
  const bookAs = (user: UserEntity, input: Record<string, unknown>) =>
    api.executeRetrying(CREATE, { input: { unitsPerVisit: 1, idempotencyKey: `cap-${++keys}`, ...input } }, { as: user }) as Promise<Answer>;

  async function world(weeklyCapacityUnits: number) {
    const listing = await aListing(api.db, await aProvider(api.db), { pricePence: 1500, weeklyCapacityUnits });
    const booker = async () => {
      const { user, client } = await aClientUser(api.db);
      const budget = await aBudget(api.db, client);
      return { user, ids: { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id) } };
    };
    return { listing, booker };
  }

  it("refuses a booking that would pass the capacity in any week, naming the week; what fits is booked", async () => {
    const { booker } = await world(30);
    const a = await booker();
    const b = await booker();
    // 20 h/week on Mondays and Tuesdays from 6 April: fits.
    const first = await bookAs(a.user, { ...a.ids, startsAt: "2026-04-06T08:00:00Z", unitsPerVisit: 10, recurrence: "FREQ=WEEKLY;BYDAY=MO,TU;COUNT=6" });
    expect(first.data!.createBooking.userErrors).toEqual([]);
    // Another 20 h in the week of 13 April: 40 against 30.
    const second = await bookAs(b.user, { ...b.ids, startsAt: "2026-04-15T08:00:00Z", unitsPerVisit: 10, recurrence: "FREQ=WEEKLY;BYDAY=WE,TH;COUNT=2" });
    expect(second.data!.createBooking.booking).toBeNull();
    const [error] = second.data!.createBooking.userErrors;
    expect(error).toMatchObject({ code: "NO_CAPACITY", field: ["input", "startsAt"] });
    expect(error.message).toContain("week of Monday 2026-04-13");
    expect(error.message).toContain("Book fewer units");
    // 10 h more that week fits exactly; 10.5 h in the week of 20 April does not (20 booked); after the first booking ends, 30 h fit.
    const exact = await bookAs(b.user, { ...b.ids, startsAt: "2026-04-15T08:00:00Z", unitsPerVisit: 10 });
    expect(exact.data!.createBooking.userErrors).toEqual([]);
    const later = await bookAs(b.user, { ...b.ids, startsAt: "2026-04-22T08:00:00Z", unitsPerVisit: 10.5, recurrence: "FREQ=WEEKLY;BYDAY=WE;COUNT=1" });
    expect(later.data!.createBooking.userErrors.map((e) => e.code)).toEqual(["NO_CAPACITY"]);
    const free = await bookAs(b.user, { ...b.ids, startsAt: "2026-05-20T08:00:00Z", unitsPerVisit: 30 });
    expect(free.data!.createBooking.userErrors).toEqual([]);
  });

  it("many bookings at once cannot together pass the capacity: exactly what fits succeeds", async () => {
    const { listing, booker } = await world(12);
    const bookers = await Promise.all(Array.from({ length: 30 }, () => booker()));
    // 30 one-visit bookings of 2 h in the week of 4 May, at different hours: room for exactly 6.
    const answers = await Promise.all(
      bookers.map(({ user, ids }, i) =>
        bookAs(user, { ...ids, startsAt: new Date(Date.UTC(2026, 4, 4 + (i % 5), 6 + Math.floor(i / 5))).toISOString(), unitsPerVisit: 2 }),
      ),
    );
    const outcomes = answers.map((a) =>
      a.errors ? "ERROR" : (a.data!.createBooking.booking?.status ?? a.data!.createBooking.userErrors.map((e) => e.code).join()),
    );
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    expect(tally).toEqual({ REQUESTED: 6, NO_CAPACITY: 24 });
    const units = await api.db.getRepository(VisitEntity).sum("units", { providerId: listing.providerId });
    expect(Number(units)).toBe(12);
  });

  it("accepting a quote is refused when its visits would pass the listing's capacity", async () => {
    const provider = await aProviderMember(api.db, await aProvider(api.db));
    const listing = await aListing(api.db, provider.provider, { pricePence: 2400, weeklyCapacityUnits: 5 });
    const other = await aClientUser(api.db);
    const otherIds = { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", (await aBudget(api.db, other.client)).id) };
    expect((await bookAs(other.user, { ...otherIds, startsAt: "2026-04-14T12:00:00Z" })).data!.createBooking.userErrors).toEqual([]);
    const { user, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client);
    const request = { clientId: toGlobalId("Client", client.id), categoryCode: "PERSONAL_CARE", description: "Weekday mornings.", unitsPerWeek: 5 };
    const asked = await api.data<{ requestQuote: { quoteRequest: { id: string } } }>(
      REQUEST,
      { input: { ...request, schedule: "Weekdays 08:00-09:00", startsOn: "2026-04-06", endsOn: "2026-04-19" } },
      { as: user },
    );
    const submitted = await api.data<{ submitQuote: { quote: { id: string } } }>(
      SUBMIT,
      {
        input: {
          requestId: asked.requestQuote.quoteRequest.id,
          listingId: toGlobalId("Listing", listing.id),
          unitPricePence: 2200,
          startsAt: "2026-04-06T07:00:00Z",
          recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
          validUntil: "2026-03-15T00:00:00Z",
        },
      },
      { as: provider.user },
    );
    const input = { quoteId: submitted.submitQuote.quote.id, budgetId: toGlobalId("Budget", budget.id), idempotencyKey: "accept-capacity" };
    const accepted = await api.data<{ acceptQuote: { booking: unknown; userErrors: { code: string; message: string }[] } }>(ACCEPT, { input }, { as: user });
    expect(accepted.acceptQuote.booking).toBeNull();
    expect(accepted.acceptQuote.userErrors.map((e) => e.code)).toEqual(["NO_CAPACITY"]);
    expect(accepted.acceptQuote.userErrors[0].message).toContain("week of Monday 2026-04-13");
  });
});
