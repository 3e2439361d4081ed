import type { UserEntity } from "../../src/modules/auth/user.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBroker, aBudget, aClientUser, aCommissioner, aListing, aProvider, aProviderMember, ledgerMismatches, LEICESTERSHIRE } from "../support/factories";

type Errors = { code: string; field: string[] | null; message: string }[];

const REQUEST = /* GraphQL */ `
  mutation ($input: RequestQuoteInput!) {
    requestQuote(input: $input) { quoteRequest { id status category { code } client { displayName } } userErrors { code message field } }
  }
`;
const SUBMIT = /* GraphQL */ `
  mutation ($input: SubmitQuoteInput!) {
    submitQuote(input: $input) { quote { id status unitPricePence visitCount totalPence provider { name } } userErrors { code message field } }
  }
`;
const ACCEPT = /* GraphQL */ `
  mutation ($input: AcceptQuoteInput!) {
    acceptQuote(input: $input) {
      booking { id status unitPricePence totalCostPence quote { id status } visits { nodes { startsAt } } budget { committedPence } }
      userErrors { code message field }
    }
  }
`;
const REQUESTS = "{ quoteRequests { totalCount nodes { id quotes { unitPricePence provider { name } } } } }";

describe("quotes", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  async function world() {
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder);
    const local = await aProviderMember(api.db, await aProvider(api.db, { name: "Local Care" }));
    const localListing = await aListing(api.db, local.provider, { categoryCode: "PERSONAL_CARE", pricePence: 2400 });
    const rival = await aProviderMember(api.db, await aProvider(api.db, { name: "Rival Care" }));
    const rivalListing = await aListing(api.db, rival.provider, { categoryCode: "PERSONAL_CARE", pricePence: 2600 });
    const faraway = await aProviderMember(
      api.db,
      await aProvider(api.db, { name: "Faraway Care", serviceAreas: [LEICESTERSHIRE], postcodeDistricts: ["LE1"] }),
    );
    await aListing(api.db, faraway.provider, { categoryCode: "PERSONAL_CARE" });
    const gardener = await aProviderMember(api.db, await aProvider(api.db, { name: "Gardener" }));
    await aListing(api.db, gardener.provider, { categoryCode: "GARDENING" });
    return { client, holder, budget, local, localListing, rival, rivalListing, faraway, gardener };
  }

  const requestInput = (clientId: string, extra: object = {}) => ({
    clientId: toGlobalId("Client", clientId),
    categoryCode: "PERSONAL_CARE",
    description: "Help getting up, washed and dressed, weekday mornings.",
    unitsPerWeek: 5,
    schedule: "Weekdays 08:00-09:00",
    startsOn: "2026-04-06",
    endsOn: "2026-04-19",
    ...extra,
  });

  async function requestAs(user: UserEntity, input: object) {
    return (await api.data<{ requestQuote: { quoteRequest: { id: string; status: string } | null; userErrors: Errors } }>(REQUEST, { input }, { as: user }))
      .requestQuote;
  }

  const submitInput = (requestId: string, listingId: string, extra: object = {}) => ({
    requestId,
    listingId: toGlobalId("Listing", listingId),
    unitPricePence: 2200,
    startsAt: "2026-04-06T07:00:00Z",
    recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    validUntil: "2026-03-15T00:00:00Z",
    ...extra,
  });

  async function submitAs(user: UserEntity, input: object) {
    return (
      await api.data<{ submitQuote: { quote: { id: string; status: string; visitCount: number; totalPence: number } | null; userErrors: Errors } }>(
        SUBMIT,
        { input },
        { as: user },
      )
    ).submitQuote;
  }

  it("says how many units it quotes in all (Quote.units, API.md): units per visit × visits", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    const { quote } = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id, { unitsPerVisit: 1.15 }));
    const { node } = await api.data<{ node: { units: number; unitsPerVisit: number; visitCount: number; totalPence: number } }>(
      "query ($id: ID!) { node(id: $id) { ... on Quote { units unitsPerVisit visitCount totalPence } } }",
      { id: quote!.id },
      { as: w.client },
    );
    expect(node).toEqual({ units: 11.5, unitsPerVisit: 1.15, visitCount: 10, totalPence: 10 * 2530 });
  });

  it("reaches providers serving the client's area and category, and those named", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id, { providerIds: [toGlobalId("Provider", w.faraway.provider.id)] }));
    expect(quoteRequest).toMatchObject({ status: "OPEN" });
    const sees = async (user: UserEntity) => (await api.data<{ quoteRequests: { totalCount: number } }>(REQUESTS, {}, { as: user })).quoteRequests.totalCount;
    expect(await sees(w.local.user)).toBe(1);
    expect(await sees(w.faraway.user)).toBe(1); // named
    expect(await sees(w.gardener.user)).toBe(0); // no listing in the category
    expect(await sees((await aProviderMember(api.db, await aProvider(api.db, { serviceAreas: [LEICESTERSHIRE], postcodeDistricts: ["LE2"] }))).user)).toBe(0);
    expect(await sees(w.client)).toBe(1);
    expect(await sees(await aCommissioner(api.db))).toBe(1);
    expect(await sees((await aClientUser(api.db)).user)).toBe(0);
  });

  it("refuses a bad request with the field at fault", async () => {
    const w = await world();
    const { userErrors } = await requestAs(
      w.client,
      requestInput(w.holder.id, { categoryCode: "ASTROLOGY", startsOn: "2026-02-01", endsOn: "2026-01-01", providerIds: ["nope"] }),
    );
    expect(userErrors.map((e) => [e.code, e.field])).toEqual([
      ["NOT_FOUND", ["input", "categoryCode"]],
      ["INVALID_VALUE", ["input", "startsOn"]],
      ["INVALID_VALUE", ["input", "endsOn"]],
      ["NOT_FOUND", ["input", "providerIds", "0"]],
    ]);
    const stranger = await requestAs((await aClientUser(api.db)).user, requestInput(w.holder.id));
    expect(stranger.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });

  it("takes priced quotes for the requested period, one live quote per provider", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    const quote = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    expect(quote).toMatchObject({ quote: { status: "SUBMITTED", visitCount: 10, totalPence: 22_000 }, userErrors: [] });
    const twice = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    expect(twice.userErrors.map((e) => e.code)).toEqual(["ALREADY_EXISTS"]);

    const wrongCategory = await aListing(api.db, w.rival.provider, { categoryCode: "DOMESTIC" });
    const bad = await submitAs(
      w.rival.user,
      submitInput(quoteRequest!.id, wrongCategory.id, { startsAt: "2026-05-01T07:00:00Z", validUntil: "2026-02-01T00:00:00Z" }),
    );
    expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
      ["INVALID_VALUE", ["input", "listingId"]],
      ["INVALID_VALUE", ["input", "startsAt"]],
      ["INVALID_VALUE", ["input", "validUntil"]],
    ]);
    const notVisible = await submitAs(w.gardener.user, submitInput(quoteRequest!.id, w.localListing.id));
    expect(notVisible.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
  });

  it("show the client every quote, and each provider only its own", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    await submitAs(w.rival.user, submitInput(quoteRequest!.id, w.rivalListing.id, { unitPricePence: 2500 }));
    const quotesSeenBy = async (user: UserEntity) =>
      (
        await api.data<{ quoteRequests: { nodes: { quotes: { provider: { name: string } }[] }[] } }>(REQUESTS, {}, { as: user })
      ).quoteRequests.nodes[0].quotes.map((q) => q.provider.name);
    expect(await quotesSeenBy(w.client)).toEqual(["Local Care", "Rival Care"]);
    expect(await quotesSeenBy(w.local.user)).toEqual(["Local Care"]);
  });

  it("accepting books at the quoted price, confirmed, in one step; rivals are declined; retries replay", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    const { quote } = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    const { quote: rival } = await submitAs(w.rival.user, submitInput(quoteRequest!.id, w.rivalListing.id, { unitPricePence: 2500 }));
    const input = { quoteId: quote!.id, budgetId: toGlobalId("Budget", w.budget.id), idempotencyKey: "accept-1" };
    const first = await api.data<{ acceptQuote: { booking: Record<string, unknown>; userErrors: Errors } }>(ACCEPT, { input }, { as: w.client });
    expect(first.acceptQuote.userErrors).toEqual([]);
    expect(first.acceptQuote.booking).toMatchObject({
      status: "CONFIRMED",
      unitPricePence: 2200,
      totalCostPence: 22_000,
      quote: { id: quote!.id, status: "ACCEPTED" },
      budget: { committedPence: 22_000 },
    });
    expect((first.acceptQuote.booking.visits as { nodes: { startsAt: string }[] }).nodes.at(-1)?.startsAt).toBe("2026-04-17T07:00:00.000Z"); // the last weekday before endsOn

    const replay = await api.data(ACCEPT, { input }, { as: w.client });
    expect(replay).toEqual(first);
    const node = await api.data<{ node: { status: string } }>(
      "query ($id: ID!) { node(id: $id) { ... on Quote { status } } }",
      { id: rival!.id },
      { as: w.client },
    );
    expect(node.node.status).toBe("DECLINED");
    const other = await api.data<{ acceptQuote: { userErrors: Errors } }>(
      ACCEPT,
      { input: { ...input, quoteId: rival!.id, idempotencyKey: "accept-2" } },
      { as: w.client },
    );
    expect(other.acceptQuote.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
  });

  it("refuses an expired quote, and reads it as EXPIRED", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    const { quote } = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    api.clock.set("2026-03-20T10:00:00Z");
    const late = await api.data<{ acceptQuote: { booking: null; userErrors: Errors } }>(
      ACCEPT,
      { input: { quoteId: quote!.id, budgetId: toGlobalId("Budget", w.budget.id), idempotencyKey: "late" } },
      { as: w.client },
    );
    expect(late.acceptQuote).toEqual({
      booking: null,
      userErrors: [{ code: "QUOTE_EXPIRED", message: "This quote has expired: ask the provider for a new one.", field: ["input", "quoteId"] }],
    });
    const read = await api.data<{ node: { status: string } }>(
      "query ($id: ID!) { node(id: $id) { ... on Quote { status } } }",
      { id: quote!.id },
      { as: w.client },
    );
    expect(read.node.status).toBe("EXPIRED");
  });

  it("lets the provider withdraw and the client decline, once", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    const { quote } = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    const { quote: rival } = await submitAs(w.rival.user, submitInput(quoteRequest!.id, w.rivalListing.id));
    const withdraw = "mutation ($input: QuoteDecisionInput!) { withdrawQuote(input: $input) { quote { status } userErrors { code } } }";
    const decline = "mutation ($input: QuoteDecisionInput!) { declineQuote(input: $input) { quote { status } userErrors { code } } }";
    expect(await api.data(withdraw, { input: { quoteId: quote!.id } }, { as: w.local.user })).toEqual({
      withdrawQuote: { quote: { status: "WITHDRAWN" }, userErrors: [] },
    });
    expect(await api.data(withdraw, { input: { quoteId: quote!.id } }, { as: w.local.user })).toEqual({
      withdrawQuote: { quote: null, userErrors: [{ code: "INVALID_TRANSITION" }] },
    });
    expect(await api.data(withdraw, { input: { quoteId: rival!.id } }, { as: w.local.user })).toEqual({
      withdrawQuote: { quote: null, userErrors: [{ code: "NOT_FOUND" }] },
    });
    const broker = await aBroker(api.db, w.holder);
    expect(await api.data(decline, { input: { quoteId: rival!.id } }, { as: broker })).toEqual({
      declineQuote: { quote: { status: "DECLINED" }, userErrors: [] },
    });
  });

  it("holds a quoted booking paying a relative for approval; approved, it is confirmed", async () => {
    const w = await world();
    const { quoteRequest } = await requestAs(w.client, requestInput(w.holder.id));
    const { quote } = await submitAs(w.local.user, submitInput(quoteRequest!.id, w.localListing.id));
    const accepted = await api.data<{ acceptQuote: { booking: { id: string; status: string } } }>(
      ACCEPT,
      { input: { quoteId: quote!.id, budgetId: toGlobalId("Budget", w.budget.id), payeeRelationship: "SPOUSE_OR_PARTNER", idempotencyKey: "rel" } },
      { as: w.client },
    );
    expect(accepted.acceptQuote.booking.status).toBe("PENDING_APPROVAL");
    const approved = await api.data<{ approveBooking: { booking: { status: string } } }>(
      "mutation ($input: BookingDecisionInput!) { approveBooking(input: $input) { booking { status } } }",
      { input: { bookingId: accepted.acceptQuote.booking.id, note: "The only carer who speaks her language" } },
      { as: await aCommissioner(api.db) },
    );
    expect(approved.approveBooking.booking.status).toBe("CONFIRMED");
  });
});
