/**
 * The access matrix of budgets, bookings, quotes, packages and group sessions: every role
 * against every query and mutation. Denials read as not found where existence itself is private.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BookingStatus } from "../../src/modules/bookings";
import { BookingEntity } from "../../src/modules/bookings/booking.entity";
import { ClientSetting } from "../../src/modules/budgets";
import { ListingSetting } from "../../src/modules/listings";
import { ProviderKind } from "../../src/modules/providers";
import { Unit } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi, type TestApi } from "../support/api";
import {
  aBroker,
  aBudget,
  aClient,
  aClientUser,
  aCommissioner,
  aListing,
  anAdmin,
  aProvider,
  aProviderMember,
  LEICESTERSHIRE,
  MERTON,
} from "../support/factories";

const VIEWERS = [
  "anonymous",
  "client",
  "otherClient",
  "broker",
  "otherBroker",
  "provider",
  "otherProvider",
  "commissioner",
  "otherCommissioner",
  "admin",
] as const;
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
    {
      input: {
        listingId: toGlobalId("Listing", w.listing.id),
        budgetId: toGlobalId("Budget", w.budget.id),
        startsAt: "2026-04-06T09:00:00Z",
        idempotencyKey: `setup-${Math.random()}`,
      },
    },
    { as: w.viewers.client },
  );
  const id = result.createBooking.booking.id;
  await api.db.getRepository(BookingEntity).update({ id: Buffer.from(id, "base64url").toString().split(":")[1] }, { status });
  return id;
}

async function aQuote(api: TestApi, w: World): Promise<{ requestId: string; quoteId: string }> {
  const { requestQuote } = await api.data<{ requestQuote: { quoteRequest: { id: string } } }>(
    "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } } }",
    {
      input: {
        clientId: toGlobalId("Client", w.holder.id),
        categoryCode: "PERSONAL_CARE",
        description: "Mornings",
        unitsPerWeek: 5,
        startsOn: "2026-04-06",
        endsOn: "2026-04-30",
      },
    },
    { as: w.viewers.client },
  );
  const { submitQuote } = await api.data<{ submitQuote: { quote: { id: string } } }>(
    "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } } }",
    {
      input: {
        requestId: requestQuote.quoteRequest.id,
        listingId: toGlobalId("Listing", w.listing.id),
        unitPricePence: 2000,
        startsAt: "2026-04-06T07:00:00Z",
        validUntil: "2026-03-20T00:00:00Z",
      },
    },
    { as: w.viewers.provider },
  );
  return { requestId: requestQuote.quoteRequest.id, quoteId: submitQuote.quote.id };
}

/** A package the client's broker drafted with one item, then moved on to `status`. */
async function aPackage(api: TestApi, w: World, status: "DRAFT" | "PROPOSED"): Promise<{ packageId: string; itemId: string }> {
  const as = { as: w.viewers.broker };
  const { createPackage } = await api.data<{ createPackage: { package: { id: string } } }>(
    "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } } }",
    { input: { clientId: toGlobalId("Client", w.holder.id), budgetId: toGlobalId("Budget", w.budget.id) } },
    as,
  );
  const packageId = createPackage.package.id;
  const { addPackageItem } = await api.data<{ addPackageItem: { package: { items: { id: string }[] } } }>(
    "mutation ($input: AddPackageItemInput!) { addPackageItem(input: $input) { package { items { id } } } }",
    { input: { packageId, listingId: toGlobalId("Listing", w.listing.id), startsAt: "2026-04-06T09:00:00Z" } },
    as,
  );
  if (status === "PROPOSED")
    await api.data("mutation ($input: PackageRefInput!) { proposePackage(input: $input) { userErrors { code } } }", { input: { packageId } }, as);
  return { packageId, itemId: addPackageItem.package.items[0].id };
}

/** The client and another of the broker's clients live in a care home, where the provider runs a group session. */
async function aGroupSession(api: TestApi, w: World) {
  const careHome = await aProvider(api.db, { kind: ProviderKind.CARE_HOME });
  const session = await aListing(api.db, w.providerEntity, {
    categoryCode: "THERAPY",
    unit: Unit.SESSION,
    visitMinutes: 60,
    pricePence: 3000,
    setting: ListingSetting.CARE_HOME,
    groupCapacity: 4,
  });
  await api.db.query("UPDATE clients SET setting = 'CARE_HOME', care_home_id = $2 WHERE id = $1", [w.holder.id, careHome.id]);
  const neighbour = await aClient(api.db, { setting: ClientSetting.CARE_HOME, careHomeId: careHome.id, brokerUserId: w.viewers.broker!.id });
  const budgets = [w.budget, await aBudget(api.db, neighbour)];
  return {
    listingId: toGlobalId("Listing", session.id),
    careHomeId: toGlobalId("Provider", careHome.id),
    startsAt: "2026-04-07T14:00:00Z",
    participants: budgets.map((b) => ({ budgetId: toGlobalId("Budget", b.id) })),
    idempotencyKey: "g",
  };
}

/** "ok", or the code of the first error ("UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"…). */
type Outcome = string;

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
const ARRANGERS: ViewerName[] = ["broker", "commissioner", "admin"];
const NOT_ARRANGERS: ViewerName[] = ["client", "otherClient", "provider", "otherProvider"];
const packageMutation = (name: string, input: string) =>
  `mutation ($input: ${input}!) { result: ${name}(input: $input) { package { id } userErrors { code } } }`;

const CASES: Case[] = [
  {
    name: "client",
    query: "query ($id: ID!) { result: client(id: $id) { id } }",
    variables: async (_a, w) => ({ id: toGlobalId("Client", w.holder.id) }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "budget",
    query: "query ($id: ID!) { result: budget(id: $id) { id } }",
    variables: async (_a, w) => ({ id: toGlobalId("Budget", w.budget.id) }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
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
      input: {
        clientId: toGlobalId("Client", w.holder.id),
        kind: "PERSONAL_BUDGET",
        management: "DIRECT_PAYMENT",
        periodStart: "2026-04-01",
        periodEnd: "2027-03-31",
        allocatedPence: 100,
        coveredCategoryCodes: ["PA_SUPPORT"],
        idempotencyKey: "b",
      },
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
    variables: async (_a, w) => ({
      input: {
        listingId: toGlobalId("Listing", w.listing.id),
        budgetId: toGlobalId("Budget", w.budget.id),
        startsAt: "2026-04-06T09:00:00Z",
        idempotencyKey: "c",
      },
    }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "confirmBooking",
    query: decision("confirmBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.REQUESTED), idempotencyKey: aKey() } }),
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "declineBooking",
    query: decision("declineBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.REQUESTED), idempotencyKey: aKey() } }),
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "cancelBooking",
    query: decision("cancelBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.CONFIRMED), idempotencyKey: aKey() } }),
    allowed: ["client", "broker", "provider", "commissioner", "admin"],
    forbidden: [],
  },
  {
    name: "approveBooking",
    query: decision("approveBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.PENDING_APPROVAL), idempotencyKey: aKey() } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "rejectBooking",
    query: decision("rejectBooking"),
    variables: async (a, w) => ({ input: { bookingId: await aBooking(a, w, BookingStatus.PENDING_APPROVAL), idempotencyKey: aKey() } }),
    allowed: ["commissioner", "admin"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "provider", "otherProvider"],
  },
  {
    name: "recordVisit",
    query: "mutation ($input: RecordVisitInput!) { result: recordVisit(input: $input) { visit { id } userErrors { code } } }",
    variables: async (a, w) => {
      const id = await aBooking(a, w, BookingStatus.CONFIRMED);
      const [visit] = await a.db.query("SELECT id FROM visits");
      return { input: { visitId: toGlobalId("Visit", visit.id), outcome: "DELIVERED", idempotencyKey: aKey() }, id };
    },
    at: "2026-04-07T09:00:00Z",
    allowed: ["provider"],
    forbidden: ["client", "otherClient", "broker", "otherBroker", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "requestQuote",
    query: "mutation ($input: RequestQuoteInput!) { result: requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }",
    variables: async (_a, w) => ({
      input: {
        clientId: toGlobalId("Client", w.holder.id),
        categoryCode: "PERSONAL_CARE",
        description: "x",
        unitsPerWeek: 1,
        startsOn: "2026-04-06",
        endsOn: "2026-04-30",
      },
    }),
    allowed: ["client", "broker"],
    forbidden: ["provider", "otherProvider", "commissioner", "otherCommissioner", "admin"],
  },
  {
    name: "submitQuote",
    query: "mutation ($input: SubmitQuoteInput!) { result: submitQuote(input: $input) { quote { id } userErrors { code } } }",
    variables: async (a, w) => {
      const { requestId } = await aQuote(a, w);
      await a.db.query("UPDATE quotes SET status = 'WITHDRAWN'");
      return {
        input: {
          requestId,
          listingId: toGlobalId("Listing", w.listing.id),
          unitPricePence: 2100,
          startsAt: "2026-04-07T07:00:00Z",
          validUntil: "2026-03-20T00:00:00Z",
        },
      };
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
  {
    name: "package",
    query: "query ($id: ID!) { result: package(id: $id) { id } }",
    variables: async (a, w) => ({ id: (await aPackage(a, w, "DRAFT")).packageId }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "createPackage",
    query: packageMutation("createPackage", "CreatePackageInput"),
    variables: async (_a, w) => ({ input: { clientId: toGlobalId("Client", w.holder.id), budgetId: toGlobalId("Budget", w.budget.id) } }),
    allowed: ARRANGERS,
    forbidden: NOT_ARRANGERS,
  },
  {
    name: "addPackageItem",
    query: packageMutation("addPackageItem", "AddPackageItemInput"),
    variables: async (a, w) => ({
      input: { packageId: (await aPackage(a, w, "DRAFT")).packageId, listingId: toGlobalId("Listing", w.listing.id), startsAt: "2026-04-08T09:00:00Z" },
    }),
    allowed: ARRANGERS,
    forbidden: NOT_ARRANGERS,
  },
  {
    name: "removePackageItem",
    query: packageMutation("removePackageItem", "PackageItemRefInput"),
    variables: async (a, w) => ({ input: await aPackage(a, w, "DRAFT") }),
    allowed: ARRANGERS,
    forbidden: NOT_ARRANGERS,
  },
  {
    name: "logBrokerageTime",
    query: packageMutation("logBrokerageTime", "LogBrokerageTimeInput"),
    variables: async (a, w) => ({ input: { packageId: (await aPackage(a, w, "DRAFT")).packageId, minutes: 30 } }),
    allowed: ARRANGERS,
    forbidden: NOT_ARRANGERS,
  },
  {
    name: "proposePackage",
    query: packageMutation("proposePackage", "PackageRefInput"),
    variables: async (a, w) => ({ input: { packageId: (await aPackage(a, w, "DRAFT")).packageId } }),
    allowed: ARRANGERS,
    forbidden: NOT_ARRANGERS,
  },
  {
    name: "agreePackage",
    query: packageMutation("agreePackage", "AgreePackageInput"),
    variables: async (a, w) => ({ input: { packageId: (await aPackage(a, w, "PROPOSED")).packageId, idempotencyKey: "p" } }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "cancelPackage",
    query: packageMutation("cancelPackage", "CancelPackageInput"),
    variables: async (a, w) => ({ input: { packageId: (await aPackage(a, w, "PROPOSED")).packageId, idempotencyKey: aKey() } }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "planPackage",
    query: "mutation ($input: PlanPackageInput!) { result: planPackage(input: $input) { plan { feasible } userErrors { code } } }",
    variables: async (_a, w) => ({
      input: {
        clientId: toGlobalId("Client", w.holder.id),
        budgetId: toGlobalId("Budget", w.budget.id),
        needs: [{ categoryCode: "PERSONAL_CARE", unitsPerWeek: 3 }],
      },
    }),
    allowed: CLIENT_SIDE,
    forbidden: ["provider", "otherProvider"],
  },
  {
    name: "createGroupBooking",
    query: "mutation ($input: CreateGroupBookingInput!) { result: createGroupBooking(input: $input) { groupBooking { id } userErrors { code } } }",
    variables: async (a, w) => ({ input: await aGroupSession(a, w) }),
    allowed: ARRANGERS,
    forbidden: NOT_ARRANGERS,
  },
  {
    name: "groupBooking",
    query: "query ($id: ID!) { result: groupBooking(id: $id) { id } }",
    variables: async (a, w) => {
      const { createGroupBooking } = await a.data<{ createGroupBooking: { groupBooking: { id: string } } }>(
        "mutation ($input: CreateGroupBookingInput!) { createGroupBooking(input: $input) { groupBooking { id } } }",
        { input: await aGroupSession(a, w) },
        { as: w.viewers.broker },
      );
      return { id: createGroupBooking.groupBooking.id };
    },
    allowed: ["client", "broker", "provider", "commissioner", "admin"],
    forbidden: [],
  },
];

describe("access matrix", () => {
  const api = useApi();

  async function outcomeFor(c: Case, viewer: ViewerName): Promise<Outcome> {
    await api.db.query(
      "TRUNCATE users, clients, providers, listings, budgets, ledger_entries, bookings, visits, quote_requests, quotes, idempotency_keys, packages, package_items, group_bookings CASCADE",
    );
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
        c.except?.[viewer] ??
        (viewer === "anonymous" ? "UNAUTHENTICATED" : c.allowed.includes(viewer) ? "ok" : c.forbidden.includes(viewer) ? "FORBIDDEN" : "NOT_FOUND");
      actual[viewer] = await outcomeFor(c, viewer);
    }
    expect(actual).toEqual(expected);
  });

  it("covers every mutation of budgets, bookings, quotes, packages and group sessions", () => {
    const names = CASES.map((c) => c.name);
    const mutations = [
      "createClient",
      "assignBroker",
      "createBudget",
      "topUpBudget",
      "createBooking",
      "confirmBooking",
      "declineBooking",
      "cancelBooking",
      "approveBooking",
      "rejectBooking",
      "recordVisit",
    ];
    mutations.push("requestQuote", "submitQuote", "withdrawQuote", "declineQuote", "acceptQuote");
    mutations.push(
      "createPackage",
      "addPackageItem",
      "removePackageItem",
      "logBrokerageTime",
      "proposePackage",
      "agreePackage",
      "cancelPackage",
      "planPackage",
      "createGroupBooking",
    );
    for (const mutation of mutations) {
      expect(names).toContain(mutation);
    }
  });
});
