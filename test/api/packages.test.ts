import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import { ProviderKind } from "../../src/modules/providers";
import { toGlobalId } from "../../src/shared/ids";
import { useApi, type TestApi } from "../support/api";
import {
  aBroker,
  aBudget,
  aClient,
  aClientUser,
  aCommissioner,
  aListing,
  aPersonalAssistant,
  aProvider,
  aProviderMember,
  ledgerMismatches,
  MERTON,
} from "../support/factories";

type Errors = { code: string; message: string; field: (string | number)[] | null }[];
type PackageData = {
  id: string;
  status: string;
  annualCostPence: number;
  referenceCostPence: number;
  savingPence: number;
  fitsBudget: boolean | null;
  brokerageFeePence: number;
  brokerageChargedTo: string | null;
  items: {
    id: string;
    position: number;
    costPence: number;
    referenceCostPence: number | null;
    savingPence: number | null;
    booking: { id: string; status: string } | null;
  }[];
  budget: { committedPence: number; spentPence: number; availablePence: number };
};
const FIELDS = `id status annualCostPence referenceCostPence savingPence fitsBudget brokerageFeePence brokerageChargedTo
  items { id position costPence referenceCostPence savingPence booking { id status } } budget { committedPence spentPence availablePence }`;
const mutation = (name: string, input: string) =>
  `mutation ($input: ${input}!) { ${name}(input: $input) { package { ${FIELDS} } userErrors { code message field } } }`;
type Payload = { package: PackageData | null; userErrors: Errors };

/** Four weekly visits in April 2026, an hour each. */
const APRIL = { recurrence: "FREQ=WEEKLY", endsOn: "2026-04-30" };

async function call(api: TestApi, name: string, input: Record<string, unknown>, as: UserEntity | null, inputType: string): Promise<Payload> {
  const result = await api.data<Record<string, Payload>>(mutation(name, inputType), { input }, { as });
  return result[name];
}

describe("packages", () => {
  const api = useApi();
  let commissioner: UserEntity;
  let broker: UserEntity;
  let client: ClientEntity;
  let clientUser: UserEntity;
  let budget: BudgetEntity;
  let listings: ListingEntity[];

  beforeEach(async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    commissioner = await aCommissioner(api.db);
    ({ user: clientUser, client } = await aClientUser(api.db));
    broker = await aBroker(api.db, client);
    budget = await aBudget(api.db, client, { allocatedPence: 25_000 });
    const agency = await aProvider(api.db);
    listings = [
      await aListing(api.db, agency, { categoryCode: "PERSONAL_CARE", pricePence: 2400, title: "Morning care" }),
      await aListing(api.db, agency, { categoryCode: "DOMESTIC", pricePence: 1800, title: "Cleaning" }),
      await aListing(api.db, await aProvider(api.db, { kind: ProviderKind.BUSINESS, cqcLocationId: null, cqcRating: null }), {
        categoryCode: "GARDENING",
        pricePence: 1700,
        title: "Garden",
      }),
    ];
    await api.data(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      { input: { fundingBodyCode: MERTON, categoryCode: "PERSONAL_CARE", unit: "HOUR", ratePence: 2200, validFrom: "2023-08-21", source: "test" } },
      { as: commissioner },
    );
  });
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  const create = (as: UserEntity, on = budget, forClient = client) =>
    call(api, "createPackage", { clientId: toGlobalId("Client", forClient.id), budgetId: toGlobalId("Budget", on.id) }, as, "CreatePackageInput");
  const add = (as: UserEntity, packageId: string, listing: ListingEntity, startsAt: string, extra: Record<string, unknown> = {}) =>
    call(api, "addPackageItem", { packageId, listingId: toGlobalId("Listing", listing.id), startsAt, ...APRIL, ...extra }, as, "AddPackageItemInput");
  const propose = (as: UserEntity, packageId: string) => call(api, "proposePackage", { packageId }, as, "PackageRefInput");
  const agree = (as: UserEntity, packageId: string, idempotencyKey = `agree-${packageId}`) =>
    call(api, "agreePackage", { packageId, idempotencyKey }, as, "AgreePackageInput");
  const cancel = (as: UserEntity, packageId: string) => call(api, "cancelPackage", { packageId }, as, "PackageRefInput");

  /** A proposed package of the three agency items (23,600p of 25,000p) and, if given, a fourth. */
  async function proposed(fourth?: { listing: ListingEntity; startsAt: string }): Promise<PackageData> {
    const draft = (await create(broker)).package!;
    await add(broker, draft.id, listings[0], "2026-04-06T08:00:00Z");
    await add(broker, draft.id, listings[1], "2026-04-07T10:00:00Z");
    await add(broker, draft.id, listings[2], "2026-04-08T14:00:00Z");
    if (fourth) expect((await add(broker, draft.id, fourth.listing, fourth.startsAt)).userErrors).toEqual([]);
    const result = await propose(broker, draft.id);
    expect(result.userErrors).toEqual([]);
    return result.package!;
  }

  it("costs a year in annualCostPence (API.md) and the budget period in periodCostPence", async () => {
    const draft = (await create(broker)).package!;
    // Weekly from Monday 5 October 2026, no last day: 26 visits to the period's end (31 March 2027), 52 in a year.
    await add(broker, draft.id, listings[0], "2026-10-05T08:00:00Z", { endsOn: null });
    // Four visits in April, however long the year.
    await add(broker, draft.id, listings[1], "2026-04-07T10:00:00Z");
    const { node } = await api.data<{ node: { annualCostPence: number; periodCostPence: number } }>(
      "query ($id: ID!) { node(id: $id) { ... on Package { annualCostPence periodCostPence } } }",
      { id: draft.id },
      { as: broker },
    );
    expect(node).toEqual({ annualCostPence: 52 * 2400 + 4 * 1800, periodCostPence: 26 * 2400 + 4 * 1800 });
  });

  it("is drafted item by item with each item's and the whole package's cost against the reference rate", async () => {
    const draft = (await create(broker)).package!;
    expect(draft).toMatchObject({ status: "DRAFT", annualCostPence: 0, items: [], fitsBudget: true });
    const added = (await add(broker, draft.id, listings[0], "2026-04-06T08:00:00Z")).package!;
    expect(added.items).toEqual([
      expect.objectContaining({ position: 1, costPence: 4 * 2400, referenceCostPence: 4 * 2200, savingPence: -800, booking: null }),
    ]);
    await add(broker, draft.id, listings[1], "2026-04-07T10:00:00Z");
    const whole = (await add(broker, draft.id, listings[2], "2026-04-08T14:00:00Z")).package!;
    expect(whole).toMatchObject({ annualCostPence: 9600 + 7200 + 6800, referenceCostPence: 8800, savingPence: -800, fitsBudget: true });
    expect(whole.items[2]).toMatchObject({ referenceCostPence: null, savingPence: null });

    const removed = (await call(api, "removePackageItem", { packageId: draft.id, itemId: whole.items[1].id }, broker, "PackageItemRefInput")).package!;
    expect(removed.items.map((i) => i.position)).toEqual([1, 3]);
    expect(removed.annualCostPence).toBe(9600 + 6800);
    const again = await call(api, "removePackageItem", { packageId: draft.id, itemId: whole.items[1].id }, broker, "PackageItemRefInput");
    expect(again.userErrors).toEqual([expect.objectContaining({ code: "NOT_FOUND", field: ["input", "itemId"] })]);
  });

  it("checks every booking rule when an item is added, and changes only while a draft", async () => {
    const draft = (await create(broker)).package!;
    const therapy = await aListing(api.db, await aProvider(api.db), { categoryCode: "NURSING", title: "Nursing" });
    const refused = await add(broker, draft.id, therapy, "2026-04-06T08:00:00Z");
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: "OUTSIDE_SUPPORT_PLAN" })]);
    expect(await propose(broker, draft.id)).toMatchObject({
      userErrors: [expect.objectContaining({ code: "INVALID_VALUE", message: expect.stringContaining("at least one service") })],
    });

    await add(broker, draft.id, listings[0], "2026-04-06T08:00:00Z");
    await propose(broker, draft.id);
    const late = await add(broker, draft.id, listings[1], "2026-04-07T10:00:00Z");
    expect(late.userErrors).toEqual([expect.objectContaining({ code: "INVALID_TRANSITION", message: expect.stringContaining("only a draft") })]);
    expect((await propose(broker, draft.id)).userErrors[0].code).toBe("INVALID_TRANSITION");
  });

  it("books every item with its commitment when the client agrees", async () => {
    const pkg = await proposed();
    const agreed = await agree(clientUser, pkg.id);
    expect(agreed.userErrors).toEqual([]);
    expect(agreed.package).toMatchObject({ status: "AGREED", fitsBudget: null, budget: { committedPence: 23_600, availablePence: 1_400 } });
    expect(agreed.package!.items.map((i) => i.booking?.status)).toEqual(["REQUESTED", "REQUESTED", "REQUESTED"]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM bookings")).toEqual([{ n: 3 }]);
  });

  it.each([
    ["the money", "INSUFFICIENT_BUDGET"],
    ["the personal assistant's diary", "SLOT_TAKEN"],
  ])("agreed with a 4th item that fails on %s leaves no booking and no commitment, and names the item", async (_what, code) => {
    const pa = await aPersonalAssistant(api.db, 1500);
    if (code === "SLOT_TAKEN") {
      // Someone else has the PA on Thursdays at 09:00; and the money would fit.
      await api.data(
        "mutation ($input: TopUpBudgetInput!) { topUpBudget(input: $input) { userErrors { code } } }",
        { input: { budgetId: toGlobalId("Budget", budget.id), amountPence: 975_000, idempotencyKey: "top-up" } },
        { as: commissioner },
      );
      const other = await aClientUser(api.db);
      const otherBudget = await aBudget(api.db, other.client);
      const booked = await api.data<{ createBooking: { userErrors: Errors } }>(
        "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { userErrors { code } } }",
        {
          input: {
            listingId: toGlobalId("Listing", pa.listing.id),
            budgetId: toGlobalId("Budget", otherBudget.id),
            startsAt: "2026-04-23T09:30:00Z",
            idempotencyKey: "other",
          },
        },
        { as: other.user },
      );
      expect(booked.createBooking.userErrors).toEqual([]);
    }
    const pkg = await proposed({ listing: pa.listing, startsAt: "2026-04-09T09:00:00Z" });
    const before = await api.db.query("SELECT committed_pence FROM budgets WHERE id = $1", [budget.id]);

    const refused = await agree(broker, pkg.id);
    expect(refused.package).toBeNull();
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ code, field: ["input", "items", "3"], message: expect.stringMatching(/^Item 4 \(Personal assistant support\): /) }),
    ]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM bookings WHERE client_id = $1", [client.id])).toEqual([{ n: 0 }]);
    expect(await api.db.query("SELECT committed_pence FROM budgets WHERE id = $1", [budget.id])).toEqual(before);
    const after = await api.data<{ package: { status: string } }>("query ($id: ID!) { package(id: $id) { status } }", { id: pkg.id }, { as: broker });
    expect(after.package.status).toBe("PROPOSED");
  });

  it("is idempotent: a retry returns the agreed package, a reused key for another is refused", async () => {
    const pkg = await proposed();
    const [first, second] = await Promise.all([agree(clientUser, pkg.id, "k"), agree(clientUser, pkg.id, "k")]);
    expect(second).toEqual(first);
    expect(await api.db.query("SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'COMMITMENT'")).toEqual([{ n: 3 }]);
    const another = (await create(broker)).package!;
    expect((await agree(clientUser, another.id, "k")).userErrors).toEqual([expect.objectContaining({ code: "IDEMPOTENCY_KEY_REUSED" })]);
    expect((await agree(clientUser, pkg.id, "k2")).userErrors).toEqual([expect.objectContaining({ code: "INVALID_TRANSITION" })]);
  });

  it("when cancelled after agreement, cancels its bookings and releases their money", async () => {
    const pkg = await proposed();
    await agree(broker, pkg.id);
    const cancelled = await cancel(broker, pkg.id);
    expect(cancelled.userErrors).toEqual([]);
    expect(cancelled.package).toMatchObject({ status: "CANCELLED", budget: { committedPence: 0, availablePence: 25_000 } });
    expect(cancelled.package!.items.map((i) => i.booking?.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
    expect((await cancel(broker, pkg.id)).userErrors[0].code).toBe("INVALID_TRANSITION");
  });

  describe("brokerage", () => {
    const settings = (input: Record<string, unknown>) =>
      api.data(
        "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { userErrors { code } } }",
        { input: { code: MERTON, ...input } },
        { as: commissioner },
      );
    const REPORT = `{ efficiencyReport(fundingBodyCode: "${MERTON}", from: "2026-03-01", to: "2026-03-31", groupBy: [MONTH]) {
      rows { group { month } measures { brokerageCostPence netSavingAfterBrokeragePence } } totals { brokerageCostPence netSavingAfterBrokeragePence } } }`;

    it("per package, charged to the budget: a FEE on the ledger, and in the funding body's report", async () => {
      await settings({ brokerageMode: "PER_PACKAGE", brokerageFeePence: 1_000, brokerageChargedTo: "BUDGET" });
      const pkg = await proposed();
      const agreed = await agree(clientUser, pkg.id);
      expect(agreed.package).toMatchObject({
        brokerageFeePence: 1_000,
        brokerageChargedTo: "BUDGET",
        budget: { committedPence: 23_600, spentPence: 1_000, availablePence: 400 },
      });
      expect(await api.db.query("SELECT amount_pence::int, memo FROM ledger_entries WHERE kind = 'FEE'")).toEqual([{ amount_pence: 1_000, memo: "brokerage" }]);
      const report = await api.data<{ efficiencyReport: unknown }>(REPORT, {}, { as: commissioner });
      expect(report.efficiencyReport).toEqual({
        rows: [{ group: { month: "2026-03" }, measures: { brokerageCostPence: 1_000, netSavingAfterBrokeragePence: -1_000 } }],
        totals: { brokerageCostPence: 1_000, netSavingAfterBrokeragePence: -1_000 },
      });
    });

    it("a fee the budget cannot pay refuses the whole agreement", async () => {
      await settings({ brokerageMode: "PER_PACKAGE", brokerageFeePence: 1_401, brokerageChargedTo: "BUDGET" });
      const refused = await agree(clientUser, (await proposed()).id);
      expect(refused.userErrors).toEqual([expect.objectContaining({ code: "INSUFFICIENT_BUDGET", message: expect.stringMatching(/^Brokerage fee: /) })]);
      expect(await api.db.query("SELECT count(*)::int AS n FROM bookings")).toEqual([{ n: 0 }]);
    });

    it("per hour of broker time, charged to the funding body: nothing on the budget; time stops at agreement", async () => {
      await settings({ brokerageMode: "PER_HOUR", brokerageFeePence: 3_000, brokerageChargedTo: "FUNDING_BODY" });
      const pkg = await proposed();
      const logged = await call(api, "logBrokerageTime", { packageId: pkg.id, minutes: 90 }, broker, "LogBrokerageTimeInput");
      expect(logged.userErrors).toEqual([]);
      const agreed = await agree(clientUser, pkg.id);
      expect(agreed.package).toMatchObject({ brokerageFeePence: 4_500, brokerageChargedTo: "FUNDING_BODY", budget: { spentPence: 0 } });
      expect(await api.db.query("SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'FEE'")).toEqual([{ n: 0 }]);
      const late = await call(api, "logBrokerageTime", { packageId: pkg.id, minutes: 30 }, broker, "LogBrokerageTimeInput");
      expect(late.userErrors).toEqual([expect.objectContaining({ code: "INVALID_TRANSITION" })]);
      const report = await api.data<{ efficiencyReport: { totals: unknown } }>(REPORT, {}, { as: commissioner });
      expect(report.efficiencyReport.totals).toEqual({ brokerageCostPence: 4_500, netSavingAfterBrokeragePence: -4_500 });
    });

    it("cannot be split by category, so rows grouped by it leave it to the totals", async () => {
      await settings({ brokerageMode: "PER_PACKAGE", brokerageFeePence: 700, brokerageChargedTo: "FUNDING_BODY" });
      await agree(clientUser, (await proposed()).id);
      const report = await api.data<{ efficiencyReport: { rows: unknown[]; totals: unknown } }>(
        `{ efficiencyReport(fundingBodyCode: "${MERTON}", from: "2026-03-01", to: "2026-04-30", groupBy: [CATEGORY]) { rows { measures { brokerageCostPence } } totals { brokerageCostPence } } }`,
        {},
        { as: commissioner },
      );
      expect(report.efficiencyReport.totals).toEqual({ brokerageCostPence: 700 });
      expect(report.efficiencyReport.rows.every((r) => (r as { measures: { brokerageCostPence: unknown } }).measures.brokerageCostPence === null)).toBe(true);
    });
  });

  describe("access", () => {
    it("a broker arranges only for clients assigned to them", async () => {
      const otherBroker = await aBroker(api.db);
      expect((await create(otherBroker)).userErrors).toEqual([expect.objectContaining({ code: "NOT_FOUND", field: ["input", "budgetId"] })]);
      const pkg = (await create(broker)).package!;
      await add(broker, pkg.id, listings[0], "2026-04-06T08:00:00Z");
      expect((await add(otherBroker, pkg.id, listings[1], "2026-04-07T10:00:00Z")).userErrors[0].code).toBe("NOT_FOUND");
      expect((await propose(otherBroker, pkg.id)).userErrors[0].code).toBe("NOT_FOUND");
      await propose(broker, pkg.id);
      expect((await agree(otherBroker, pkg.id)).userErrors[0].code).toBe("NOT_FOUND");
      expect((await cancel(otherBroker, pkg.id)).userErrors[0].code).toBe("NOT_FOUND");
      const read = await api.data<{ package: unknown; packages: { totalCount: number } }>(
        "query ($id: ID!) { package(id: $id) { id } packages(first: 10) { totalCount } }",
        { id: pkg.id },
        { as: otherBroker },
      );
      expect(read).toEqual({ package: null, packages: { totalCount: 0 } });

      // Once reassigned, the first broker loses the client.
      await api.db.query("UPDATE clients SET broker_user_id = $2 WHERE id = $1", [client.id, otherBroker.id]);
      expect((await cancel(broker, pkg.id)).userErrors[0].code).toBe("NOT_FOUND");
    });

    it("a client sees and agrees their own packages but does not arrange them; a provider sees none", async () => {
      const pkg = (await create(broker)).package!;
      const asClient = await api.execute(
        mutation("createPackage", "CreatePackageInput"),
        { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id) } },
        { as: clientUser },
      );
      expect(asClient.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      const mine = await api.data<{ packages: { nodes: { id: string }[] } }>("{ packages(first: 10) { nodes { id } } }", {}, { as: clientUser });
      expect(mine.packages.nodes.map((p) => p.id)).toEqual([pkg.id]);
      const stranger = await aClientUser(api.db);
      expect(await api.data("query ($id: ID!) { package(id: $id) { id } }", { id: pkg.id }, { as: stranger.user })).toEqual({ package: null });
      const { user: provider } = await aProviderMember(api.db);
      const asProvider = await api.execute("query ($id: ID!) { package(id: $id) { id } }", { id: pkg.id }, { as: provider });
      expect(asProvider.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    });

    it("the booked provider sees the package's bookings but no budget figures", async () => {
      const pkg = await proposed();
      const agreed = await agree(clientUser, pkg.id);
      const agency = await aProviderMember(api.db, { id: listings[0].providerId } as never);
      const seen = await api.data<{ booking: { budget: unknown; client: { id: string } } }>(
        "query ($id: ID!) { booking(id: $id) { budget { availablePence } client { id } } }",
        { id: agreed.package!.items[0].booking!.id },
        { as: agency.user },
      );
      expect(seen.booking).toEqual({ budget: null, client: { id: toGlobalId("Client", client.id) } });
    });

    it("a budget must be the client's own", async () => {
      const other = await aBudget(api.db, await aClient(api.db, { brokerUserId: broker.id }));
      expect((await create(broker, other)).userErrors).toEqual([expect.objectContaining({ code: "INVALID_VALUE", field: ["input", "budgetId"] })]);
    });
  });
});
