/**
 * Issue 10, items 5 and 6: a reference for every visit a commissioner would price (the STANDARD rate
 * stands in where the funding body publishes none for a rate type, and says so), and rates known
 * later still count (the reference is re-read when a visit is delivered, never after).
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import { RateType } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { useApi, type TestApi } from "../support/api";
import { aBudget, aClientUser, aCommissioner, aListing, aPersonalAssistant, aProvider, aProviderMember, ledgerMismatches, MERTON } from "../support/factories";

type VisitData = { id: string; startsAt: string; status: string; referenceCostPence: number | null; referenceBasis: string | null; earmarkPence: number };

const VISITS = `visits(first: 100) { nodes { id startsAt status referenceCostPence referenceBasis earmarkPence } }`;
const BUDGET = `query ($id: ID!) { budget(id: $id) { allocatedPence committedPence spentPence returnedPence availablePence
  efficiency { referenceCostPence sourcedCostPence savingPence returnedPence visitsWithoutReference visitsWithFallbackReference fallbackReferenceSpendPence } } }`;

async function setRate(api: TestApi, as: UserEntity, input: { categoryCode: string; ratePence: number; validFrom: string; rateType?: string }) {
  const result = await api.data<{ setReferenceRate: { userErrors: unknown[] } }>(
    "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code message } } }",
    { input: { fundingBodyCode: MERTON, unit: "HOUR", source: "Merton direct payment rates", ...input } },
    { as },
  );
  expect(result.setReferenceRate.userErrors).toEqual([]);
}

async function setFallback(api: TestApi, as: UserEntity, referenceFallback: boolean) {
  const result = await api.data<{ updateFundingBodySettings: { fundingBody: { referenceFallback: boolean }; userErrors: unknown[] } }>(
    "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { fundingBody { referenceFallback } userErrors { code } } }",
    { input: { code: MERTON, referenceFallback } },
    { as },
  );
  expect(result.updateFundingBodySettings).toEqual({ fundingBody: { referenceFallback }, userErrors: [] });
}

async function setPolicy(api: TestApi, as: UserEntity, budget: BudgetEntity, mode: string, returnPercent?: number) {
  const result = await api.data<{ setGainPolicy: { userErrors: unknown[] } }>(
    "mutation ($input: SetGainPolicyInput!) { setGainPolicy(input: $input) { userErrors { code } } }",
    { input: { budgetId: toGlobalId("Budget", budget.id), mode, returnPercent } },
    { as },
  );
  expect(result.setGainPolicy.userErrors).toEqual([]);
}

/** Books and confirms; returns the booking's visits, first first. */
async function book(api: TestApi, client: UserEntity, provider: UserEntity, listing: ListingEntity, budget: BudgetEntity, input: Record<string, unknown>) {
  const { createBooking } = await api.data<{
    createBooking: { booking: { id: string; status: string; visits: { nodes: VisitData[] } }; userErrors: unknown[] };
  }>(
    `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status ${VISITS} } userErrors { code message } } }`,
    { input: { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id), idempotencyKey: `k-${Math.random()}`, ...input } },
    { as: client },
  );
  expect(createBooking.userErrors).toEqual([]);
  if (createBooking.booking.status === "REQUESTED") {
    await api.data(
      "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
      { input: { bookingId: createBooking.booking.id } },
      { as: provider },
    );
  }
  return createBooking.booking;
}

async function deliver(api: TestApi, provider: UserEntity, visitId: string): Promise<VisitData> {
  const { recordVisit } = await api.data<{ recordVisit: { visit: VisitData; userErrors: unknown[] } }>(
    "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { visit { id startsAt status referenceCostPence referenceBasis earmarkPence } userErrors { code message } } }",
    { input: { visitId, outcome: "DELIVERED" } },
    { as: provider },
  );
  expect(recordVisit.userErrors).toEqual([]);
  return recordVisit.visit;
}

async function visitsOf(api: TestApi, bookingId: string, as: UserEntity): Promise<VisitData[]> {
  const { node } = await api.data<{ node: { visits: { nodes: VisitData[] } } }>(
    `query ($id: ID!) { node(id: $id) { ... on Booking { ${VISITS} } } }`,
    { id: bookingId },
    { as },
  );
  return node.visits.nodes;
}

async function ledgerKinds(api: TestApi, budget: BudgetEntity): Promise<{ kind: string; amount_pence: number }[]> {
  return api.db.query(
    `SELECT kind, amount_pence::int AS amount_pence FROM ledger_entries WHERE budget_id = $1 AND kind <> 'ALLOCATION' ORDER BY occurred_at, kind, amount_pence`,
    [budget.id],
  );
}

describe("a reference for every visit a commissioner would price (item 5)", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  it("compares a rate type without a published rate with the STANDARD rate, says so, and stops when the funding body turns it off", async () => {
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, { categoryCode: "PERSONAL_CARE", ratePence: 2200, validFrom: "2023-08-21" });
    const provider = await aProvider(api.db);
    const weekday = await aListing(api.db, provider, { pricePence: 2100 });
    const weekend = await aListing(api.db, provider, { pricePence: 2420, rateType: RateType.WEEKEND });
    const evening = await aListing(api.db, provider, { pricePence: 2500, rateType: RateType.EVENING });
    await setRate(api, commissioner, { categoryCode: "PERSONAL_CARE", ratePence: 2640, validFrom: "2023-08-21", rateType: "EVENING" });
    const query = `query ($id: ID!) { listing(id: $id) { priceComparison(fundingBodyCode: "${MERTON}", on: "2026-06-01") {
      basis referencePence savingPence referenceRate { rateType ratePence } } } }`;
    const compare = async (l: ListingEntity) =>
      (await api.data<{ listing: { priceComparison: unknown } }>(query, { id: toGlobalId("Listing", l.id) })).listing.priceComparison;
    expect(await compare(weekday)).toEqual({
      basis: "PUBLISHED",
      referencePence: 2200,
      savingPence: 100,
      referenceRate: { rateType: "STANDARD", ratePence: 2200 },
    });
    expect(await compare(weekend)).toEqual({
      basis: "FALLBACK_STANDARD",
      referencePence: 2200,
      savingPence: -220,
      referenceRate: { rateType: "STANDARD", ratePence: 2200 },
    });
    expect(await compare(evening)).toEqual({
      basis: "PUBLISHED",
      referencePence: 2640,
      savingPence: 140,
      referenceRate: { rateType: "EVENING", ratePence: 2640 },
    });

    // The catalogue search compares in the same statement, with the same answer.
    const search = await api.data<{ listings: { nodes: { id: string; priceComparison: { basis: string } | null }[] } }>(
      `{ listings(filter: { fundingBodyCode: "${MERTON}", categoryCodes: ["PERSONAL_CARE"] }, first: 10) { nodes { id priceComparison { basis } } } }`,
    );
    expect(search.listings.nodes.find((n) => n.id === toGlobalId("Listing", weekend.id))?.priceComparison).toEqual({ basis: "FALLBACK_STANDARD" });

    const { fundingBody } = await api.data<{ fundingBody: { referenceFallback: boolean } }>(`{ fundingBody(code: "${MERTON}") { referenceFallback } }`);
    expect(fundingBody).toEqual({ referenceFallback: true });
    await setFallback(api, commissioner, false);
    expect(await compare(weekend)).toBeNull();
    expect(await compare(evening)).toMatchObject({ basis: "PUBLISHED" });
  });

  it("freezes the basis on each visit, and reports count fallback-priced visits as referenced and apart", async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, { categoryCode: "PERSONAL_CARE", ratePence: 2200, validFrom: "2023-08-21" });
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence: 100_000 });
    const agency = await aProviderMember(api.db);
    const weekend = await aListing(api.db, agency.provider, { pricePence: 2000, rateType: RateType.WEEKEND });
    // Saturdays 11 and 18 April 2026, 09:00 London, two hours each.
    const booking = await book(api, client, agency.user, weekend, budget, {
      startsAt: "2026-04-11T08:00:00Z",
      recurrence: "FREQ=WEEKLY;COUNT=2",
      unitsPerVisit: 2,
    });
    expect(booking.visits.nodes.map((v) => [v.referenceCostPence, v.referenceBasis])).toEqual([
      [4400, "FALLBACK_STANDARD"],
      [4400, "FALLBACK_STANDARD"],
    ]);
    api.clock.set("2026-04-20T10:00:00Z");
    for (const v of booking.visits.nodes) expect(await deliver(api, agency.user, v.id)).toMatchObject({ referenceBasis: "FALLBACK_STANDARD" });

    // Turned off: new bookings of the weekend listing have no reference; delivered visits keep theirs.
    await setFallback(api, commissioner, false);
    const unreferenced = await book(api, client, agency.user, weekend, budget, { startsAt: "2026-04-25T08:00:00Z", unitsPerVisit: 1 });
    expect(unreferenced.visits.nodes.map((v) => [v.referenceCostPence, v.referenceBasis])).toEqual([[null, null]]);
    api.clock.set("2026-04-26T10:00:00Z");
    await deliver(api, agency.user, unreferenced.visits.nodes[0].id);
    const report = await api.data<{ efficiencyReport: { totals: Record<string, number> } }>(
      `{ efficiencyReport(fundingBodyCode: "${MERTON}", from: "2026-04-01", to: "2026-04-30") { totals {
         referenceCostPence sourcedCostPence savingPence visits visitsWithoutReference spendWithoutReferencePence visitsWithFallbackReference fallbackReferenceSpendPence } } }`,
      {},
      { as: commissioner },
    );
    expect(report.efficiencyReport.totals).toEqual({
      referenceCostPence: 8800,
      sourcedCostPence: 8000,
      savingPence: 800,
      visits: 3,
      visitsWithoutReference: 1,
      spendWithoutReferencePence: 2000,
      visitsWithFallbackReference: 2,
      fallbackReferenceSpendPence: 8000,
    });
    const { budget: read } = await api.data<{ budget: { efficiency: Record<string, number> } }>(
      BUDGET,
      { id: toGlobalId("Budget", budget.id) },
      { as: commissioner },
    );
    expect(read.efficiency).toMatchObject({
      referenceCostPence: 8800,
      visitsWithoutReference: 1,
      visitsWithFallbackReference: 2,
      fallbackReferenceSpendPence: 8000,
    });
  });
});

describe("rates known later still count (item 6)", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  /** Merton PA_SUPPORT 1955p/h; a PA at 1500p/h, one hour on Mondays 6, 13, 20 and 27 April 2026. */
  async function booked(mode: string, allocatedPence: number) {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, { categoryCode: "PA_SUPPORT", ratePence: 1955, validFrom: "2023-08-21" });
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence });
    await setPolicy(api, commissioner, budget, mode);
    const pa = await aPersonalAssistant(api.db, 1500);
    const booking = await book(api, client, pa.user, pa.listing, budget, { startsAt: "2026-04-06T08:00:00Z", recurrence: "FREQ=WEEKLY;COUNT=4" });
    const visits = booking.visits.nodes;
    expect(visits.map((v) => [v.referenceCostPence, v.earmarkPence])).toEqual(Array(4).fill([1955, mode === "RETAIN" ? 0 : 455]));
    const readBudget = async () =>
      (await api.data<{ budget: Record<string, number> }>(BUDGET, { id: toGlobalId("Budget", budget.id) }, { as: commissioner })).budget;
    return { commissioner, budget, booking, visits, pa, readBudget };
  }

  it("a rate published after booking applies to the visits delivered after it; delivered visits keep theirs; the earmark grows with it", async () => {
    const { commissioner, budget, booking, visits, pa, readBudget } = await booked("RETURN", 100_000);
    api.clock.set("2026-04-07T10:00:00Z");
    expect(await deliver(api, pa.user, visits[0].id)).toMatchObject({ referenceCostPence: 1955, referenceBasis: "PUBLISHED", earmarkPence: 455 });
    // Published on 7 April, in force from 1 April: it covers every visit's day, including the one delivered yesterday.
    await setRate(api, commissioner, { categoryCode: "PA_SUPPORT", ratePence: 2100, validFrom: "2026-04-01" });
    api.clock.set("2026-04-14T10:00:00Z");
    expect(await deliver(api, pa.user, visits[1].id)).toMatchObject({ referenceCostPence: 2100, referenceBasis: "PUBLISHED", earmarkPence: 600 });

    const now = await visitsOf(api, booking.id, commissioner);
    expect(now.map((v) => [v.status, v.referenceCostPence, v.earmarkPence])).toEqual([
      ["DELIVERED", 1955, 455], // delivered before the new rate was known: never recomputed
      ["DELIVERED", 2100, 600],
      ["SCHEDULED", 1955, 455], // re-read when delivered
      ["SCHEDULED", 1955, 455],
    ]);
    // Committed at booking 4 × 1955 = 7820; the second visit's earmark grew by 145, committed from available.
    expect(await readBudget()).toMatchObject({
      committedPence: 2 * 1955,
      spentPence: 2 * 1500,
      returnedPence: 455 + 600,
      availablePence: 100_000 - 7820 - 145,
      efficiency: { referenceCostPence: 1955 + 2100, sourcedCostPence: 3000, savingPence: 455 + 600, returnedPence: 1055 },
    });
    expect(await ledgerKinds(api, budget)).toEqual(
      expect.arrayContaining([
        { kind: "COMMITMENT", amount_pence: 145 },
        { kind: "RETURN_TO_FUNDER", amount_pence: 600 },
      ]),
    );
    // Recording it again changes nothing.
    const again = await api.data<{ recordVisit: { userErrors: { code: string }[] } }>(
      "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { userErrors { code } } }",
      { input: { visitId: visits[1].id, outcome: "DELIVERED" } },
      { as: pa.user },
    );
    expect(again.recordVisit.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
  });

  it("an earmark grows only by what is available: available never goes negative, the rest is retained", async () => {
    const { commissioner, visits, pa, readBudget } = await booked("RETURN", 4 * 1955);
    expect(await readBudget()).toMatchObject({ availablePence: 0 });
    await setRate(api, commissioner, { categoryCode: "PA_SUPPORT", ratePence: 2100, validFrom: "2026-04-01" });
    api.clock.set("2026-04-07T10:00:00Z");
    expect(await deliver(api, pa.user, visits[0].id)).toMatchObject({ referenceCostPence: 2100, earmarkPence: 455 });
    expect(await readBudget()).toMatchObject({
      committedPence: 3 * 1955,
      returnedPence: 455,
      availablePence: 0,
      efficiency: { savingPence: 600, returnedPence: 455 },
    });
  });

  it("a lower rate known at delivery shrinks the earmark and releases the difference", async () => {
    const { commissioner, budget, visits, pa, readBudget } = await booked("RETURN", 100_000);
    await setRate(api, commissioner, { categoryCode: "PA_SUPPORT", ratePence: 1700, validFrom: "2026-04-10" });
    api.clock.set("2026-04-14T10:00:00Z");
    expect(await deliver(api, pa.user, visits[0].id)).toMatchObject({ referenceCostPence: 1955, earmarkPence: 455 }); // 6 April: the old rate
    expect(await deliver(api, pa.user, visits[1].id)).toMatchObject({ referenceCostPence: 1700, earmarkPence: 200 });
    expect(await readBudget()).toMatchObject({ committedPence: 2 * 1955, returnedPence: 655, availablePence: 100_000 - 7820 + 255 });
    expect(await ledgerKinds(api, budget)).toEqual(expect.arrayContaining([{ kind: "RELEASE", amount_pence: 255 }]));
    // A rate below the price: a premium, no earmark at all.
    await setRate(api, commissioner, { categoryCode: "PA_SUPPORT", ratePence: 1400, validFrom: "2026-04-15" });
    api.clock.set("2026-04-21T10:00:00Z");
    expect(await deliver(api, pa.user, visits[2].id)).toMatchObject({ referenceCostPence: 1400, earmarkPence: 0 });
    expect(await readBudget()).toMatchObject({ returnedPence: 655, efficiency: { savingPence: 655 } });
  });

  it("a rate type that gets its own rate later is priced on it at delivery (from the STANDARD fallback)", async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, { categoryCode: "PERSONAL_CARE", ratePence: 2200, validFrom: "2023-08-21" });
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence: 100_000 });
    await setPolicy(api, commissioner, budget, "SHARE", 50);
    const agency = await aProviderMember(api.db);
    const weekend = await aListing(api.db, agency.provider, { pricePence: 2000, rateType: RateType.WEEKEND });
    const booking = await book(api, client, agency.user, weekend, budget, { startsAt: "2026-04-11T08:00:00Z", unitsPerVisit: 1 });
    expect(booking.visits.nodes[0]).toMatchObject({ referenceCostPence: 2200, referenceBasis: "FALLBACK_STANDARD", earmarkPence: 100 });
    await setRate(api, commissioner, { categoryCode: "PERSONAL_CARE", ratePence: 2600, validFrom: "2026-04-01", rateType: "WEEKEND" });
    api.clock.set("2026-04-12T10:00:00Z");
    expect(await deliver(api, agency.user, booking.visits.nodes[0].id)).toMatchObject({
      referenceCostPence: 2600,
      referenceBasis: "PUBLISHED",
      earmarkPence: 300,
    });
  });
});
