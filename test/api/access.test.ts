/**
 * The access matrix of budgets, bookings and quotes: every role against every query and
 * mutation. Denials read as not found where existence itself is private.
 */
import type { UserEntity } from "../../src/modules/auth";
import { BookingEntity, BookingStatus } from "../../src/modules/bookings";
import { toGlobalId } from "../../src/shared/ids";
import { useApi, type TestApi } from "../support/api";
import { aBroker, aBudget, aClientUser, aCommissioner, aListing, anAdmin, aProvider, aProviderMember, LEICESTERSHIRE, MERTON } from "../support/factories";

const VIEWERS = ["anonymous", "client", "otherClient", "broker", "otherBroker", "provider", "otherProvider", "commissioner", "otherCommissioner", "admin"] as const;
type ViewerName = (typeof VIEWERS)[number];

async function world(api: TestApi) {
  const { user: client, client: holder } = await aClientUser(api.db);
  const budget = await aBudget(api.db, holder);
  const broker = await aBroker(api.db, holder);
  const { user: provider, provider: providerEntity } = await aProviderMember(api.db);
  const listing = await aListing(api.db, providerEntity, { categoryCode: "PERSONAL_CARE" });
  const viewers: Record<ViewerName, UserEntity | null> = {
    anonymous: null,
    client,
    otherClient: (await aClientUser(api.db)).user,
    broker,
    otherBroker: await aBroker(api.db),
    provider,
    otherProvider: (await aProviderMember(api.db, await aProvider(api.db, { serviceAreas: [LEICESTERSHIRE], postcodeDistricts: ["LE1"] }))).user,
    commissioner: await aCommissioner(api.db, MERTON),
    otherCommissioner: await aCommissioner(api.db, LEICESTERSHIRE),
    admin: await anAdmin(api.db),
  };
  return { viewers, holder, budget, listing, providerEntity };
}

type World = Awaited<ReturnType<typeof world>>;

/** A booking made the way the API makes it, then moved to `status`. */
async function aBooking(api: TestApi, w: World, status: BookingStatus): Promise<string> {
  const result = await api.data<{ createBooking: { booking: { id: string } } }>(
    "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } } }",
    { input: { listingId: toGlobalId("Listing", w.listing.id), budgetId: toGlobalId("Budget", w.budget.id), startsAt: "2026-04-06T09:00:00Z", idempotencyKey: `setup-${Math.random()}` } },
    { as: w.viewers.client },
  );
  const id = result.createBooking.booking.id;
  await api.db.getRepository(BookingEntity).update({ id: Buffer.from(id, "base64url").toString().split(":")[1] }, { status });
  return id;
}

async function aQuote(api: TestApi, w: World): Promise<{ requestId: string; quoteId: string }> {
  const { requestQuote } = await api.data<{ requestQuote: { quoteRequest: { id: string } } }>(
    "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } } }",
    { input: { clientId: toGlobalId("Client", w.holder.id), categoryCode: "PERSONAL_CARE", description: "Mornings", unitsPerWeek: 5, startsOn: "2026-04-06", endsOn: "2026-04-30" } },
    { as: w.viewers.client },
  );
  const { submitQuote } = await api.data<{ submitQuote: { quote: { id: string } } }>(
    "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } } }",
    { input: { requestId: requestQuote.quoteRequest.id, listingId: toGlobalId("Listing", w.listing.id), unitPricePence: 2000, startsAt: "2026-04-06T07:00:00Z", validUntil: "2026-03-20T00:00:00Z" } },
    { as: w.viewers.provider },
  );
  return { requestId: requestQuote.quoteRequest.id, quoteId: submitQuote.quote.id };
}

type Outcome = "ok" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | string;

interface Case {
  name: string;
  query: string;
  variables: (api: TestApi, w: World) => Promise<Record<string, unknown>>;
  allowed: ViewerName[];
  /** Signed-in viewers outside `allowed` get FORBIDDEN (their role) or NOT_FOUND (not theirs). */
  forbidden: ViewerName[];
  /** After the setup, before the call (e.g. the visit must have started). */
  at?: string;
  /** Outcomes that differ from the rule above, and why. */
  except?: Partial<Record<ViewerName, Outcome>>;
}

const decision = (field: string) => `mutation ($input: BookingDecisionInput!) { result: ${field}(input: $input) { booking { id } userErrors { code } } }`;
const CLIENT_SIDE: ViewerName[] = ["client", "broker", "commissioner", "admin"];

const CASES: Case[] = [
  { name: "client", query: "query ($id: ID!) { result: client(id: $id) { id } }", variables: async (_a, w) => ({ id: toGlobalId("Client", w.holder.id) }), allowed: CLIENT_SIDE, forbidden: ["provider", "otherProvider"] },
  { name: "budget", query: "query ($id: ID!) { result: budget(id: $id) { id } }", variables: async (_a, w) => ({ id: toGlobalId("Budget", w.budget.id) }), allowed: CLIENT_SIDE, forbidden: ["provider", "otherProvider"] },
  {
    name: "node(Budget)",
    query: "query ($id: ID!) { result: node(id: $id) { id } }",
    variables: async (_a, w) => ({ id: toGlobalId("Budget", w.budget.id) }),
    allowed: CLIENT_SIDE,
    forbidden: [],
    except: { anonymous: "NOT_FOUND" }, // node() is open to all; what it returns is not
  },
  {
    name: "booking",
    query: "query ($id: ID!) { result: booking(id: $id) { id } }",
    variables: async (a, w) => ({ id: await aBooking(a, w, BookingStatus.REQUESTED) }),
    allowed: ["client", "broker", "provider", "commissioner", "admin"],
    forbidden: [],
  },
  {
    name: "quoteRequest",
    query: "query ($id: ID!) { result: quoteRequest(id: $id) { id } }",
    variables: async (a, w) => ({ id: (await aQuote(a, w)).requestId }),
    allowed: ["client", "broker", "provider", "commissioner", "admin"],
    forbidden: [],
  },
  {
    name: "createClient",
    query: "mutation ($input: CreateClientInput!) { result: createClient(input: $input) { client { id } userErrors { code } } }",
    variables: async () => ({ input: { displayName: "New", postcodeDistrict: "SW19", dateOfBirth: "1950-01-01", fundingBodyCode: MERTON } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
    except: { otherCommissioner: "NOT_PERMITTED" }, // naming another funding body is not a secret
  },
  {
    name: "assignBroker",
    query: "mutation ($input: AssignBrokerInput!) { result: assignBroker(input: $input) { client { id } userErrors { code } } }",
    variables: async (_a, w) => ({ input: { clientId: toGlobalId("Client", w.holder.id), brokerUserId: null } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "createBudget",
    query: "mutation ($input: CreateBudgetInput!) { result: createBudget(input: $input) { budget { id } userErrors { code } } }",
    variables: async (_a, w) => ({
      input: { clientId: toGlobalId("Client", w.holder.id), kind: "PERSONAL_BUDGET", management: "DIRECT_PAYMENT", periodStart: "2026-04-01", periodEnd: "2027-03-31", allocatedPence: 100, coveredCategoryCodes: ["PA_SUPPORT"], idempotencyKey: "b" },
    }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "topUpBudget",
    query: "mutation ($input: TopUpBudgetInput!) { result: topUpBudget(input: $input) { budget { id } userErrors { code } } }",
    variables: async (_a, w) => ({ input: { budgetId: toGlobalId("Budget", w.budget.id), amountPence: 100, idempotencyKey: "t" } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "createBooking",
    query: "mutation ($input: CreateBookingInput!) { result: createBooking(input: $input) { booking { id } userErrors { code } } }",
    variables: async (_a, w) => ({ input: { listingId: toGlobalId("Listing", w.listing.id), budgetId: toGlobalId("Budget", w.budget.id), startsAt: "2026-04-06T09:00:00Z", idempotencyKey: "c" } }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "confirmBooking",
    query: decision("confirmBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.REQUESTED) } }),
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "declineBooking",
    query: decision("declineBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.REQUESTED) } }),
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "cancelBooking",
    query: decision("cancelBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.CONFIRMED) } }),
    allowed: ["client", "broker", "provider", "commissioner", "admin"],
    forbidden: [],
  },
  {
    name: "approveBooking",
    query: decision("approveBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.PENDING_APPROVAL) } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "rejectBooking",
    query: decision("rejectBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.PENDING_APPROVAL) } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "recordVisit",
    query: "mutation ($input: RecordVisitInput!) { result: recordVisit(input: $input) { visit { id } userErrors { code } } }",
    variables: async (a, w) => {
      const id = await aBooking(a, w, BookingStatus.CONFIRMED);
      const [visit] = await a.db.query("SELECT id FROM visits");
      return { input: { visitId: toGlobalId("Visit", visit.id), outcome: "DELIVERED" }, id };
    },
    at: "2026-04-07T09:00:00Z",
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "requestQuote",
    query: "mutation ($input: RequestQuoteInput!) { result: requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }",
    variables: async (_a, w) => ({ input: { clientId: toGlobalId("Client", w.holder.id), categoryCode: "PERSONAL_CARE", description: "x", unitsPerWeek: 1, startsOn: "2026-04-06", endsOn: "2026-04-30" } }),
    allowed: ["client", "broker"],
    forbidden: ["provider", "otherProvider", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "submitQuote",
    query: "mutation ($input: SubmitQuoteInput!) { result: submitQuote(input: $input) { quote { id } userErrors { code } } }",
    variables: async (a, w) => {
      const { requestId } = await aQuote(a, w);
      await a.db.query("UPDATE quotes SET status = 'WITHDRAWN'");
      return { input: { requestId, listingId: toGlobalId("Listing", w.listing.id), unitPricePence: 2100, startsAt: "2026-04-07T07:00:00Z", validUntil: "2026-03-20T00:00:00Z" } };
    },
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "withdrawQuote",
    query: "mutation ($input: QuoteDecisionInput!) { result: withdrawQuote(input: $input) { quote { id } userErrors { code } } }",
    variables: async (a, w) => ({ input: { quoteId: (await aQuote(a, w)).quoteId } }),
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "declineQuote",
    query: "mutation ($input: QuoteDecisionInput!) { result: declineQuote(input: $input) { quote { id } userErrors { code } } }",
    variables: async (a, w) => ({ input: { quoteId: (await aQuote(a, w)).quoteId } }),
    allowed: ["client", "broker"],
    forbidden: ["provider", "otherProvider", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "acceptQuote",
    query: "mutation ($input: AcceptQuoteInput!) { result: acceptQuote(input: $input) { booking { id } userErrors { code } } }",
    variables: async (a, w) => ({ input: { quoteId: (await aQuote(a, w)).quoteId, budgetId: toGlobalId("Budget", w.budget.id), idempotencyKey: "a" } }),
    allowed: ["client", "broker"],
    forbidden: ["provider", "otherProvider", "commissioner", "otherCommissioner", "admin"],
  },
];

describe("access matrix", () => {
  const api = useApi();

  async function outcomeFor(c: Case, viewer: ViewerName): Promise<Outcome> {
    await api.db.query("TRUNCATE users, clients, providers, listings, budgets, ledger_entries, bookings, visits, quote_requests, quotes, idempotency_keys CASCADE");
    api.clock.set("2026-03-01T10:00:00Z");
    const w = await world(api);
    const variables = await c.variables(api, w);
    if (c.at) api.clock.set(c.at);
    const result = await api.execute<{ result: unknown }>(c.query, variables, { as: w.viewers[viewer] });
    if (result.errors?.length) return String(result.errors[0].extensions?.code);
    const value = result.data?.result as { userErrors?: { code: string }[] } | null;
    if (value === null) return "NOT_FOUND";
    if (value && "userErrors" in value && value.userErrors?.length) return value.userErrors.map((e) => e.code).join();
    return "ok";
  }

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const expected: Record<string, Outcome> = {};
    const actual: Record<string, Outcome> = {};
    for (const viewer of VIEWERS) {
      expected[viewer] =
        c.except?.[viewer] ?? (viewer === "anonymous" ? "UNAUTHENTICATED" : c.allowed.includes(viewer) ? "ok" : c.forbidden.includes(viewer) ? "FORBIDDEN" : "NOT_FOUND");
      actual[viewer] = await outcomeFor(c, viewer);
    }
    expect(actual).toEqual(expected);
  });

  it("covers every mutation of budgets, bookings and quotes", () => {
    const names = CASES.map((c) => c.name);
    for (const mutation of ["createClient", "assignBroker", "createBudget", "topUpBudget", "createBooking", "confirmBooking", "declineBooking", "cancelBooking", "approveBooking", "rejectBooking", "recordVisit", "requestQuote", "submitQuote", "withdrawQuote", "declineQuote", "acceptQuote"]) {
      expect(names).toContain(mutation);
    }
  });
});
