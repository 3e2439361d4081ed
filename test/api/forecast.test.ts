/**
 * Budget.forecast (issue 12, item 3): the recent weekly rate over the weeks no scheduled visit
 * covers, on top of what is spent and committed. A steady budget's forecast is its eventual surplus.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi, type TestApi } from "../support/api";
import { closeBudget } from "../support/period-close";
import { aBudget, aClientUser, aCommissioner, aPersonalAssistant, ledgerMismatches, MERTON } from "../support/factories";

const FORECAST = `query ($id: ID!) { budget(id: $id) { spentPence committedPence availablePence status
  forecast { weeklySpendPence projectedSpendPence projectedSurplusPence } efficiency { projectedSurplusPence surplusPence reclaimedPence reservedPence } } }`;

async function book(
  api: TestApi,
  client: UserEntity,
  pa: UserEntity,
  listingId: string,
  budgetId: string,
  startsAt: string,
  weeks: number,
  unitsPerVisit = 10,
) {
  const { createBooking } = await api.data<{
    createBooking: { booking: { id: string; status: string; visits: { nodes: { id: string }[] } }; userErrors: unknown[] };
  }>(
    "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id status visits(first: 100) { nodes { id } } } userErrors { code message } } }",
    { input: { listingId, budgetId, startsAt, recurrence: `FREQ=WEEKLY;COUNT=${weeks}`, unitsPerVisit, idempotencyKey: aKey() } },
    { as: client },
  );
  expect(createBooking.userErrors).toEqual([]);
  if (createBooking.booking.status === "REQUESTED") {
    await api.data(
      "mutation ($input: BookingDecisionInput!) { confirmBooking(input: $input) { userErrors { code } } }",
      {
        input: { bookingId: createBooking.booking.id, idempotencyKey: aKey() },
      },
      { as: pa },
    );
  }
  return createBooking.booking.visits.nodes.map((v) => v.id);
}

async function deliver(api: TestApi, pa: UserEntity, visitIds: string[]) {
  for (const visitId of visitIds) {
    const { recordVisit } = await api.data<{ recordVisit: { userErrors: unknown[] } }>(
      "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { userErrors { code message } } }",
      { input: { visitId, outcome: "DELIVERED", idempotencyKey: aKey() } },
      { as: pa },
    );
    expect(recordVisit.userErrors).toEqual([]);
  }
}

describe("Budget.forecast", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  /** DOMAIN.md's worked example under RETAIN (PA at 1500p/h, 10 h a week, rate 1955p/h, allocation 1,016,600p). */
  async function aYear() {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    const rate = await api.data<{ setReferenceRate: { userErrors: unknown[] } }>(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code message } } }",
      { input: { fundingBodyCode: MERTON, categoryCode: "PA_SUPPORT", unit: "HOUR", ratePence: 1955, validFrom: "2023-08-21", source: "Merton rates" } },
      { as: commissioner },
    );
    expect(rate.setReferenceRate.userErrors).toEqual([]);
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence: 1_016_600, coveredCategories: ["PA_SUPPORT"] });
    const pa = await aPersonalAssistant(api.db, 1500);
    return { commissioner, client, budget, budgetId: toGlobalId("Budget", budget.id), pa: pa.user, listingId: toGlobalId("Listing", pa.listing.id) };
  }

  const read = async (budgetId: string, as: UserEntity) =>
    (
      await api.data<{ budget: { forecast: Record<string, number> | null; efficiency: Record<string, number> } & Record<string, unknown> }>(
        FORECAST,
        { id: budgetId },
        { as },
      )
    ).budget;

  it("projects the recent rate over the uncommitted weeks: a steady budget's forecast is the surplus its close fixes", async () => {
    const y = await aYear();
    // Half a year booked (6 Apr to 28 Sep) and delivered; nothing booked after.
    const first = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-04-06T08:00:00Z", 26);
    api.clock.set("2026-10-01T10:00:00Z");
    await deliver(api, y.pa, first);
    const mid = await read(y.budgetId, y.commissioner);
    // 4 visits of 15,000p in the 28 days before 1 Oct; 182 uncommitted days (1 Oct to 31 Mar) at 15,000p a week.
    expect(mid).toMatchObject({ spentPence: 390_000, committedPence: 0, availablePence: 626_600 });
    expect(mid.forecast).toEqual({ weeklySpendPence: 15_000, projectedSpendPence: 780_000, projectedSurplusPence: 236_600 });
    expect(mid.efficiency.projectedSurplusPence).toBe(236_600);

    // The second half booked: now committed, so not projected again.
    const second = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-10-05T08:00:00Z", 26);
    expect((await read(y.budgetId, y.commissioner)).forecast).toEqual({
      weeklySpendPence: 15_000,
      projectedSpendPence: 780_000,
      projectedSurplusPence: 236_600,
    });

    api.clock.set("2027-04-01T10:00:00Z");
    await deliver(api, y.pa, second);
    api.clock.set("2027-05-01T10:00:00Z");
    await api.app.services.confirmations.confirmDue();
    const closed = await closeBudget(api, y.commissioner, y.budget.id, { disposal: "RECLAIM", reason: "Year end" });
    expect(closed.userErrors).toEqual([]);
    expect(closed.budget).toMatchObject({ surplusPence: 236_600, reclaimedPence: 236_600 });
    // Closed: no forecast; the reclaimed saving is reclaimed, no longer reserved.
    const after = await read(y.budgetId, y.commissioner);
    expect(after.forecast).toBeNull();
    expect(after.efficiency).toEqual({ projectedSurplusPence: 0, surplusPence: 236_600, reclaimedPence: 236_600, reservedPence: 0 });
  });

  it("projects an overspend as a negative surplus, and counts a scheduled visit's week as committed", async () => {
    const y = await aYear();
    // 30 h a week for 4 weeks delivered (45,000p a week), then one more visit booked for 2 Nov.
    const first = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-07T08:00:00Z", 4);
    const doubled = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-08T08:00:00Z", 4);
    const tripled = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-09T08:00:00Z", 4);
    const later = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-11-02T08:00:00Z", 1);
    api.clock.set("2026-10-01T10:00:00Z");
    await deliver(api, y.pa, [...first, ...doubled, ...tripled]);
    const { forecast } = await read(y.budgetId, y.commissioner);
    // Committed through 8 Nov (the visit's week); 143 days from 9 Nov to 31 Mar at 45,000p a week.
    expect(later).toHaveLength(1);
    expect(forecast).toEqual({
      weeklySpendPence: 45_000,
      projectedSpendPence: 180_000 + 15_000 + Math.round((180_000 * 143) / 28),
      projectedSurplusPence: 1_016_600 - 195_000 - Math.round((180_000 * 143) / 28),
    });
    expect(forecast!.projectedSurplusPence).toBeLessThan(0);
  });

  it("reads its window and the committed weeks by London days", async () => {
    const y = await aYear();
    // Today is 1 Oct (BST): the window is 3 Sep to 30 Sep, and London's 3 Sep began at 23:00 UTC on 2 Sep.
    const inWindow = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-02T23:30:00Z", 1, 1);
    const dayBefore = await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-02T21:30:00Z", 1, 1);
    // Scheduled and never recorded: 24 Sep (London) commits its week through 30 Sep, yesterday, so nothing more.
    await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-24T08:00:00Z", 1, 1);
    api.clock.set("2026-10-01T10:00:00Z");
    await deliver(api, y.pa, [...inWindow, ...dayBefore]);
    // One visit of 1,500p in the window's 28 days; 182 uncommitted days (1 Oct to 31 Mar).
    const before = await read(y.budgetId, y.commissioner);
    expect(before).toMatchObject({ spentPence: 3_000, committedPence: 1_500 });
    expect(before.forecast).toEqual({
      weeklySpendPence: 375,
      projectedSpendPence: 4_500 + Math.round((1_500 * 182) / 28),
      projectedSurplusPence: (before.availablePence as number) - Math.round((1_500 * 182) / 28),
    });

    // 23:30 UTC on 24 Sep is London's 25 Sep: its week runs through today, so one day fewer is projected.
    api.clock.set("2026-09-20T10:00:00Z");
    await book(api, y.client, y.pa, y.listingId, y.budgetId, "2026-09-24T23:30:00Z", 1, 1);
    api.clock.set("2026-10-01T10:00:00Z");
    const after = await read(y.budgetId, y.commissioner);
    expect(after.forecast).toEqual({
      weeklySpendPence: 375,
      projectedSpendPence: 6_000 + Math.round((1_500 * 181) / 28),
      projectedSurplusPence: (after.availablePence as number) - Math.round((1_500 * 181) / 28),
    });
  });

  it("is one statement for many budgets, and only for those who may see the budget", async () => {
    const y = await aYear();
    const query = "{ clients(first: 50) { nodes { budgets { forecast { projectedSurplusPence } } } } }";
    const count = async (budgets: number) => {
      const { statements, result } = await api.sql.during(() =>
        api.execute<{ clients: { nodes: { budgets: unknown[] }[] } }>(query, {}, { as: y.commissioner }),
      );
      expect(result.data?.clients.nodes.flatMap((c) => c.budgets)).toHaveLength(budgets);
      return statements.filter((s) => s.includes("fc.extra")).length;
    };
    expect(await count(1)).toBe(1);
    for (let i = 0; i < 10; i++) await aBudget(api.db, (await aClientUser(api.db)).client, { allocatedPence: 10_000 });
    expect(await count(11)).toBe(1);
    const stranger = (await aClientUser(api.db)).user;
    expect((await api.data<{ budget: unknown }>(FORECAST, { id: y.budgetId }, { as: stranger })).budget).toBeNull();
  });
});
