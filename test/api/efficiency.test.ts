/**
 * DOMAIN.md's worked example, run through the API under each gain policy, and a booking that
 * straddles a rate change on 1 April.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { VisitEntity } from "../../src/modules/bookings/visit.entity";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi, type TestApi } from "../support/api";
import { closeBudget } from "../support/period-close";
import { expectFactsCurrent } from "../support/report-facts";
import { aBudget, aClientUser, aCommissioner, aListing, aPersonalAssistant, aProvider, aProviderMember, ledgerMismatches, MERTON } from "../support/factories";

const uuid = (globalId: string) => Buffer.from(globalId, "base64url").toString().split(":")[1];

const BUDGET = `query ($id: ID!) { budget(id: $id) { allocatedPence committedPence spentPence returnedPence availablePence
  efficiency { referenceCostPence sourcedCostPence referencePence sourcedPence savingPence premiumPence returnedPence reservedPence absorbedPence visitsWithoutReference } } }`;

async function setRate(api: TestApi, commissioner: UserEntity, ratePence: number, validFrom: string, categoryCode = "PA_SUPPORT") {
  const result = await api.data<{ setReferenceRate: { userErrors: unknown[] } }>(
    "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code message } } }",
    { input: { fundingBodyCode: MERTON, categoryCode, unit: "HOUR", ratePence, validFrom, source: "Merton direct payment rates" } },
    { as: commissioner },
  );
  expect(result.setReferenceRate.userErrors).toEqual([]);
}

async function bookAndDeliver(api: TestApi, client: UserEntity, provider: UserEntity, listingId: string, budgetId: string, input: Record<string, unknown>) {
  const { createBooking } = await api.data<{
    createBooking: { booking: { id: string; status: string; visits: { nodes: { id: string }[] } }; userErrors: unknown[] };
  }>(
    "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status visits(first: 100) { nodes { id } } } userErrors { code message } } }",
    { input: { listingId, budgetId, idempotencyKey: `k-${Math.random()}`, ...input } },
    { as: client },
  );
  expect(createBooking.userErrors).toEqual([]);
  if (createBooking.booking.status === "REQUESTED") {
    await api.data(
      "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
      { input: { bookingId: createBooking.booking.id, idempotencyKey: aKey() } },
      { as: provider },
    );
  }
  return createBooking.booking;
}

async function deliverAll(api: TestApi, provider: UserEntity, visitIds: string[]) {
  for (const visitId of visitIds) {
    const { recordVisit } = await api.data<{ recordVisit: { userErrors: unknown[] } }>(
      "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { userErrors { code message } } }",
      { input: { visitId, outcome: "DELIVERED", idempotencyKey: aKey() } },
      { as: provider },
    );
    expect(recordVisit.userErrors).toEqual([]);
  }
}

describe("savings accounting (DOMAIN.md's worked example)", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  /** Merton PA_SUPPORT at 1955p/h; a PA at 1500p/h, 10 hours a week for 52 weeks; allocation 1,016,600p. */
  async function example(mode: "RETAIN" | "RETURN" | "SHARE", returnPercent?: number) {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, 1955, "2023-08-21");
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence: 1_016_600, coveredCategories: ["PA_SUPPORT", "GARDENING"] });
    const budgetId = toGlobalId("Budget", budget.id);
    await api.data(
      "mutation ($input: SetGainPolicyInput!) { setGainPolicy(input: $input) { userErrors { code } } }",
      { input: { budgetId, mode, returnPercent } },
      { as: commissioner },
    );
    const pa = await aPersonalAssistant(api.db, 1500);
    const booking = await bookAndDeliver(api, client, pa.user, toGlobalId("Listing", pa.listing.id), budgetId, {
      startsAt: "2026-04-06T08:00:00Z",
      recurrence: "FREQ=WEEKLY;COUNT=52",
      unitsPerVisit: 10,
    });
    const atBooking = await api.data<{ budget: Record<string, unknown> }>(BUDGET, { id: budgetId }, { as: commissioner });
    api.clock.set("2027-04-01T10:00:00Z");
    await deliverAll(
      api,
      pa.user,
      booking.visits.nodes.map((v) => v.id),
    );
    return { commissioner, client, budgetId, holder, atBooking: atBooking.budget };
  }

  /** The year carried to the end (issue 12): the window confirms every visit, then the commissioner reclaims the surplus. */
  async function closeYear(budgetId: string, commissioner: UserEntity) {
    api.clock.set("2027-05-01T10:00:00Z");
    await api.app.services.confirmations.confirmDue();
    const result = await closeBudget(api, commissioner, uuid(budgetId), { disposal: "RECLAIM", reason: "Year end" });
    expect(result.userErrors).toEqual([]);
    return result.budget;
  }

  /** The budget as the report computes it live, which must equal what it reads once the facts are stored. */
  const after = async (budgetId: string, as: UserEntity) => {
    const read = async () => (await api.data<{ budget: Record<string, unknown> }>(BUDGET, { id: budgetId }, { as })).budget;
    const live = await read();
    await expectFactsCurrent(api);
    expect(await read()).toEqual(live);
    return live;
  };

  it("RETURN: commits 1,016,600 at booking; after a year spent 780,000, returned 236,600, available 0", async () => {
    const { commissioner, budgetId, atBooking } = await example("RETURN");
    expect(atBooking).toMatchObject({ committedPence: 1_016_600, availablePence: 0 });
    expect(await after(budgetId, commissioner)).toEqual({
      allocatedPence: 1_016_600,
      committedPence: 0,
      spentPence: 780_000,
      returnedPence: 236_600,
      availablePence: 0,
      efficiency: {
        referenceCostPence: 1_016_600, // API.md's names
        sourcedCostPence: 780_000,
        referencePence: 1_016_600,
        sourcedPence: 780_000,
        savingPence: 236_600,
        premiumPence: 0,
        returnedPence: 236_600,
        reservedPence: 0,
        absorbedPence: 0,
        visitsWithoutReference: 0,
      },
    });
    // Closing the year: nothing is left to reclaim.
    expect(await closeYear(budgetId, commissioner)).toMatchObject({ status: "CLOSED", surplusPence: 0, reclaimedPence: 0, availablePence: 0 });
  });

  it("RETAIN, nothing else bought: available 236,600, reserved 236,600, absorbed 0", async () => {
    const { commissioner, budgetId, atBooking } = await example("RETAIN");
    expect(atBooking).toMatchObject({ committedPence: 780_000, availablePence: 236_600 });
    expect(await after(budgetId, commissioner)).toMatchObject({
      spentPence: 780_000,
      returnedPence: 0,
      availablePence: 236_600,
      efficiency: { savingPence: 236_600, returnedPence: 0, reservedPence: 236_600, absorbedPence: 0 },
    });
    // Closing the year reclaims the unspent saving: a CLAWBACK of 236,600p.
    expect(await closeYear(budgetId, commissioner)).toMatchObject({ status: "CLOSED", surplusPence: 236_600, reclaimedPence: 236_600, availablePence: 0 });
    expect(await api.db.query("SELECT amount_pence::int AS amount FROM ledger_entries WHERE kind = 'CLAWBACK'")).toEqual([{ amount: 236_600 }]);
  });

  it("RETAIN, the 236,600 spent on gardening: available 0, reserved 0, absorbed 236,600", async () => {
    const { commissioner, client, budgetId } = await example("RETAIN");
    api.clock.set("2027-03-01T10:00:00Z");
    await api.data(
      "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { userErrors { code } } }",
      { input: { code: MERTON, lifeImprovingApprovalThresholdPence: null } },
      { as: commissioner },
    );
    const gardener = await aProviderMember(api.db);
    const garden = await aListing(api.db, gardener.provider, { categoryCode: "GARDENING", unit: "ITEM" as never, pricePence: 23_660 });
    const booking = await bookAndDeliver(api, client, gardener.user, toGlobalId("Listing", garden.id), budgetId, {
      startsAt: "2027-03-02T10:00:00Z",
      recurrence: "FREQ=DAILY;COUNT=10",
    });
    api.clock.set("2027-04-01T10:00:00Z");
    await deliverAll(
      api,
      gardener.user,
      booking.visits.nodes.map((v) => v.id),
    );
    expect(await after(budgetId, commissioner)).toMatchObject({
      spentPence: 1_016_600,
      availablePence: 0,
      efficiency: { savingPence: 236_600, reservedPence: 0, absorbedPence: 236_600, visitsWithoutReference: 10 },
    });
    // The saving was absorbed: nothing is reclaimed at close.
    expect(await closeYear(budgetId, commissioner)).toMatchObject({ status: "CLOSED", surplusPence: 0, reclaimedPence: 0 });
  });

  it("SHARE 50%: returned 118,300, retained 118,300 (reserved while unspent)", async () => {
    const { commissioner, budgetId } = await example("SHARE", 50);
    expect(await after(budgetId, commissioner)).toMatchObject({
      spentPence: 780_000,
      returnedPence: 118_300,
      availablePence: 118_300,
      efficiency: { savingPence: 236_600, returnedPence: 118_300, reservedPence: 118_300, absorbedPence: 0 },
    });
  });

  it("a cancelled booking under RETURN releases its earmarked savings", async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, 1955, "2023-08-21");
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence: 100_000 });
    const budgetId = toGlobalId("Budget", budget.id);
    await api.data(
      "mutation ($input: SetGainPolicyInput!) { setGainPolicy(input: $input) { userErrors { code } } }",
      { input: { budgetId, mode: "RETURN" } },
      { as: commissioner },
    );
    const pa = await aPersonalAssistant(api.db, 1500);
    const booking = await bookAndDeliver(api, client, pa.user, toGlobalId("Listing", pa.listing.id), budgetId, {
      startsAt: "2026-04-06T08:00:00Z",
      recurrence: "FREQ=WEEKLY;COUNT=4",
    });
    expect(await after(budgetId, commissioner)).toMatchObject({ committedPence: 4 * 1955, availablePence: 100_000 - 4 * 1955 });
    const cancelled = await api.data(
      "mutation ($input: BookingDecisionInput!) { cancelBooking(input: $input) { userErrors { code } } }",
      { input: { bookingId: booking.id, idempotencyKey: aKey() } },
      { as: client },
    );
    expect(cancelled).toEqual({ cancelBooking: { userErrors: [] } });
    expect(await after(budgetId, commissioner)).toMatchObject({ committedPence: 0, returnedPence: 0, availablePence: 100_000 });
  });

  it("snapshots the rate in force on each visit's day across a new version on 1 April", async () => {
    api.clock.set("2026-02-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await setRate(api, commissioner, 1955, "2023-08-21");
    await setRate(api, commissioner, 2010, "2026-04-01");
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { periodStart: "2026-03-01", periodEnd: "2026-12-31", allocatedPence: 500_000 });
    const listing = await aListing(api.db, await aProvider(api.db), { categoryCode: "PA_SUPPORT", pricePence: 1800 });
    // Mondays 09:00 London from 2 March to 25 May: 5 in March, 8 from April on.
    const { createBooking } = await api.data<{
      createBooking: {
        booking: Record<string, unknown> & {
          visits: { nodes: { startsAt: string; referenceCostPence: number; savingPence: number; referenceRate: { ratePence: number } }[] };
        };
      };
    }>(
      `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking {
        referenceCostPence savingPence totalCostPence referenceRate { ratePence }
        visits(first: 50) { nodes { startsAt referenceCostPence savingPence referenceRate { ratePence validFrom } } } } } }`,
      {
        input: {
          listingId: toGlobalId("Listing", listing.id),
          budgetId: toGlobalId("Budget", budget.id),
          startsAt: "2026-03-02T09:00:00Z",
          recurrence: "FREQ=WEEKLY;UNTIL=20260525T235959Z",
          unitsPerVisit: 2,
          idempotencyKey: "straddle",
        },
      },
      { as: client },
    );
    const visits = createBooking.booking.visits.nodes;
    expect(visits.map((v) => v.referenceRate.ratePence)).toEqual([1955, 1955, 1955, 1955, 1955, 2010, 2010, 2010, 2010, 2010, 2010, 2010, 2010]);
    const march = visits.filter((v) => v.startsAt < "2026-04-01");
    const spring = visits.filter((v) => v.startsAt >= "2026-04-01");
    expect([march.length, spring.length]).toEqual([5, 8]);
    expect(march.every((v) => v.referenceCostPence === 3910 && v.savingPence === 310)).toBe(true);
    expect(spring.every((v) => v.referenceCostPence === 4020 && v.savingPence === 420)).toBe(true);
    expect(createBooking.booking).toMatchObject({
      referenceCostPence: 5 * 3910 + 8 * 4020,
      savingPence: 5 * 310 + 8 * 420,
      totalCostPence: 13 * 3600,
      referenceRate: { ratePence: 1955 },
    });
    const stored = await api.db.getRepository(VisitEntity).find();
    expect(stored.reduce((sum, v) => sum + (v.referenceCostPence ?? 0) - v.costPence, 0)).toBe(5 * 310 + 8 * 420);
  });
});
