import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import { CqcRating } from "../../src/modules/providers";
import type { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { RateType, Unit, Weekday } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBroker, aBudget, aClient, aClientUser, aCommissioner, aListing, aProvider, aProviderMember, LEICESTERSHIRE, MERTON } from "../support/factories";

type Plan = {
  feasible: boolean;
  provenCheapest: boolean;
  weeks: number;
  providers: number;
  candidates: number;
  weeklyCostPence: number;
  periodCostPence: number;
  periodReferenceCostPence: number;
  savingPence: number;
  availablePence: number;
  items: { need: number; listing: { id: string }; weeklyCostPence: number; periodCostPence: number; periodReferenceCostPence: number | null }[];
  unmet: { need: number | null; reason: string; costPence: number | null; message: string }[];
};
const PLAN = `mutation ($input: PlanPackageInput!) { planPackage(input: $input) {
  plan { feasible provenCheapest weeks providers candidates weeklyCostPence periodCostPence periodReferenceCostPence savingPence availablePence
         items { need listing { id } weeklyCostPence periodCostPence periodReferenceCostPence } unmet { need reason costPence message } }
  userErrors { code field message } } }`;

describe("planPackage", () => {
  const api = useApi();
  let broker: UserEntity;
  let client: ClientEntity;
  let budget: BudgetEntity;
  let x: ProviderEntity;
  let y: ProviderEntity;
  let z: ProviderEntity;
  let listings: Record<string, ListingEntity>;

  beforeEach(async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    client = await aClient(api.db);
    broker = await aBroker(api.db, client);
    budget = await aBudget(api.db, client, { allocatedPence: 2_000_000 });
    [x, y, z] = [
      await aProvider(api.db, { name: "X" }),
      await aProvider(api.db, { name: "Y" }),
      await aProvider(api.db, { name: "Z", cqcRating: CqcRating.OUTSTANDING }),
    ];
    const weekdays = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR];
    listings = {
      xCare: await aListing(api.db, x, { categoryCode: "PERSONAL_CARE", pricePence: 2000 }),
      xClean: await aListing(api.db, x, { categoryCode: "DOMESTIC", pricePence: 2500 }),
      yCare: await aListing(api.db, y, { categoryCode: "PERSONAL_CARE", pricePence: 2100 }),
      yClean: await aListing(api.db, y, { categoryCode: "DOMESTIC", pricePence: 1500 }),
      zCare: await aListing(api.db, z, {
        categoryCode: "PERSONAL_CARE",
        pricePence: 1900,
        availableDays: weekdays,
        availableFrom: "08:00",
        availableTo: "18:00",
      }),
    };
    // Elsewhere, and cheaper: never a candidate.
    const far = await aProvider(api.db, { serviceAreas: [LEICESTERSHIRE], postcodeDistricts: ["LE1"] });
    await aListing(api.db, far, { categoryCode: "PERSONAL_CARE", pricePence: 1000 });
    await api.data(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      { input: { fundingBodyCode: MERTON, categoryCode: "PERSONAL_CARE", unit: "HOUR", ratePence: 2200, validFrom: "2023-08-21", source: "test" } },
      { as: await aCommissioner(api.db) },
    );
  });

  const CARE = { categoryCode: "PERSONAL_CARE", unitsPerWeek: 7 };
  const CLEANING = { categoryCode: "DOMESTIC", unitsPerWeek: 2 };

  async function plan(needs: Record<string, unknown>[], extra: Record<string, unknown> = {}, as: UserEntity = broker) {
    const result = await api.data<{ planPackage: { plan: Plan | null; userErrors: { code: string; field: string[] }[] } }>(
      PLAN,
      { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id), needs, ...extra } },
      { as },
    );
    return result.planPackage;
  }
  const chosen = (p: Plan) => p.items.map((i) => Object.entries(listings).find(([, l]) => toGlobalId("Listing", l.id) === i.listing.id)![0]);

  it("finds the cheapest listings in the client's area, with their cost against the reference rate", async () => {
    const { plan: p, userErrors } = await plan([CARE, CLEANING]);
    expect(userErrors).toEqual([]);
    expect(chosen(p!)).toEqual(["zCare", "yClean"]);
    expect(p).toMatchObject({ feasible: true, provenCheapest: true, weeks: 53, providers: 2, candidates: 5, weeklyCostPence: 7 * 1900 + 2 * 1500, unmet: [] });
    expect(p!.periodCostPence).toBe((7 * 1900 + 2 * 1500) * 53);
    expect(p!.items[0].periodReferenceCostPence).toBe(7 * 2200 * 53);
    expect(p!.items[1].periodReferenceCostPence).toBeNull();
    expect(p!.savingPence).toBe(7 * (2200 - 1900) * 53);
  });

  it("keeps to one provider for continuity when asked, where the greedy choice would cost more", async () => {
    // Greedy takes Z's cheapest care (1,900p), and then no single provider is left for the cleaning.
    const { plan: p } = await plan([CARE, CLEANING], { maxProviders: 1 });
    expect(chosen(p!)).toEqual(["yCare", "yClean"]);
    expect(p).toMatchObject({ feasible: true, providers: 1, weeklyCostPence: 7 * 2100 + 2 * 1500 });
  });

  it("respects days, hours, CQC ratings and weekly capacity", async () => {
    expect(chosen((await plan([{ ...CARE, days: ["SA"] }])).plan!)).toEqual(["xCare"]);
    expect(chosen((await plan([{ ...CARE, from: "07:00", to: "09:00" }])).plan!)).toEqual(["xCare"]);
    expect(chosen((await plan([{ ...CARE, minCqcRating: "OUTSTANDING" }])).plan!)).toEqual(["zCare"]);
    await api.db.query("UPDATE listings SET weekly_capacity_units = 5 WHERE id = $1", [listings.zCare.id]);
    expect(chosen((await plan([CARE])).plan!)).toEqual(["xCare"]);
  });

  it("says which need cannot be met: no provider, no capacity, too few providers allowed", async () => {
    const noProvider = (await plan([CARE, { categoryCode: "NURSING", unitsPerWeek: 3 }])).plan!;
    expect(noProvider).toMatchObject({ feasible: false, items: [], unmet: [{ need: 1, reason: "NO_PROVIDER", costPence: null }] });
    expect(noProvider.unmet[0].message).toMatch(/^Need 2 \(NURSING, 3 hour\/week\)/);

    await api.db.query("UPDATE listings SET weekly_capacity_units = 5 WHERE category_code = 'DOMESTIC'");
    expect((await plan([CARE, { ...CLEANING, unitsPerWeek: 6 }])).plan!.unmet).toEqual([expect.objectContaining({ need: 1, reason: "NO_CAPACITY" })]);

    await api.db.query("UPDATE listings SET active = false WHERE id IN ($1, $2)", [listings.xClean.id, listings.yCare.id]);
    expect((await plan([CARE, CLEANING], { maxProviders: 1 })).plan!.unmet).toEqual([expect.objectContaining({ need: null, reason: "TOO_FEW_PROVIDERS" })]);
  });

  it("over budget, shows the cheapest plan, what it costs, and the need that would have to go", async () => {
    budget = await aBudget(api.db, client, { allocatedPence: 800_000 });
    const p = (await plan([CARE, CLEANING])).plan!;
    expect(p).toMatchObject({ feasible: false, availablePence: 800_000, periodCostPence: (7 * 1900 + 2 * 1500) * 53 });
    expect(chosen(p)).toEqual(["zCare", "yClean"]);
    // Leaving out the smallest need that brings the rest within the money: the cleaning.
    expect(p.unmet).toEqual([
      expect.objectContaining({ need: 1, reason: "OVER_BUDGET", costPence: 2 * 1500 * 53, message: expect.stringContaining("Without Need 2 (DOMESTIC") }),
    ]);
  });

  it("refuses unknown categories and reversed hours, and is only for those who act for the client", async () => {
    const bad = await plan([
      { categoryCode: "NOPE", unitsPerWeek: 1 },
      { ...CARE, from: "10:00", to: "09:00" },
    ]);
    expect(bad.userErrors.map((e) => [e.code, e.field])).toEqual([
      ["NOT_FOUND", ["input", "needs", "0", "categoryCode"]],
      ["INVALID_VALUE", ["input", "needs", "1", "to"]],
    ]);
    expect((await plan([CARE], {}, await aBroker(api.db))).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const { user: provider } = await aProviderMember(api.db);
    const denied = await api.execute(
      PLAN,
      { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id), needs: [CARE] } },
      { as: provider },
    );
    expect(denied.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  describe("plans a broker can book (issue 10, items 1 and 9)", () => {
    type Scheduled = {
      need: number;
      listingUnitsPerWeek: number;
      listing: { id: string };
      schedule: { startsAt: string; recurrence: string; unitsPerVisit: number; days: string[]; from: string; to: string };
    };
    const SCHEDULED = `mutation ($input: PlanPackageInput!) { planPackage(input: $input) {
      plan { feasible items { need listingUnitsPerWeek listing { id } schedule { startsAt recurrence unitsPerVisit days from to } } } userErrors { code } } }`;
    async function scheduled(needs: Record<string, unknown>[]): Promise<Scheduled[]> {
      const result = await api.data<{ planPackage: { plan: { feasible: boolean; items: Scheduled[] } } }>(
        SCHEDULED,
        { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id), needs } },
        { as: broker },
      );
      expect(result.planPackage.plan.feasible).toBe(true);
      return result.planPackage.plan.items;
    }

    it("gives each item a weekly schedule inside the listing's days and hours that addPackageItem takes as it is", async () => {
      const items = await scheduled([CARE, CLEANING, { categoryCode: "PERSONAL_CARE", unitsPerWeek: 3, days: ["MO", "WE", "FR"], from: "07:00", to: "09:00" }]);
      // Z: weekdays 08:00-18:00, 7 h as 5 visits of 1.4 h from 09:00.
      expect(items[0].schedule).toEqual({
        startsAt: "2026-04-01T08:00:00.000Z", // the period starts on Wednesday 1 April; 09:00 BST
        recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        unitsPerVisit: 1.4,
        days: ["MO", "TU", "WE", "TH", "FR"],
        from: "09:00",
        to: "10:24",
      });
      // Cleaning: two hours as two one-hour visits; the early need on its own days and hours (X, every day and hour).
      expect(items[1].schedule).toMatchObject({ recurrence: "FREQ=WEEKLY;BYDAY=MO,TH", unitsPerVisit: 1, from: "09:00", to: "10:00" });
      expect(items[2].schedule).toMatchObject({
        recurrence: "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        unitsPerVisit: 1,
        from: "07:00",
        to: "08:00",
        startsAt: "2026-04-01T06:00:00.000Z",
      });
      for (const item of items) expect(item.schedule.days.length * item.schedule.unitsPerVisit).toBeCloseTo(item.listingUnitsPerWeek, 2);

      // Booked as planned: a package takes every item's schedule unchanged.
      const made = await api.data<{ createPackage: { package: { id: string } } }>(
        "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } } }",
        { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id) } },
        { as: broker },
      );
      for (const item of items) {
        const { startsAt, recurrence, unitsPerVisit } = item.schedule;
        const added = await api.data<{ addPackageItem: { userErrors: unknown[] } }>(
          "mutation ($input: AddPackageItemInput!) { addPackageItem(input: $input) { package { id } userErrors { code message } } }",
          { input: { packageId: made.createPackage.package.id, listingId: item.listing.id, startsAt, recurrence, unitsPerVisit } },
          { as: broker },
        );
        expect(added.addPackageItem.userErrors).toEqual([]);
      }
    });

    it("keeps a weekend listing's visits to Saturday and Sunday, and meets an hourly need with whole visits", async () => {
      const weekend = await aListing(api.db, y, { categoryCode: "PERSONAL_CARE", pricePence: 1000, rateType: RateType.WEEKEND });
      const [item] = await scheduled([CARE]);
      expect(item.listing.id).toBe(toGlobalId("Listing", weekend.id));
      expect(item.schedule).toMatchObject({ days: ["SA", "SU"], unitsPerVisit: 3.5, recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" });

      await api.db.query("UPDATE listings SET active = false WHERE id = $1", [weekend.id]);
      const visits = await aListing(api.db, y, { categoryCode: "PERSONAL_CARE", pricePence: 1100, unit: Unit.VISIT, visitMinutes: 45 });
      const [byVisits] = await scheduled([{ categoryCode: "PERSONAL_CARE", unitsPerWeek: 5 }]);
      expect(byVisits.listing.id).toBe(toGlobalId("Listing", visits.id));
      // 5 h of 45-minute visits: 7 visits (5 h 15 min), not 6.67.
      expect(byVisits.listingUnitsPerWeek).toBe(7);
      expect(byVisits.schedule).toMatchObject({ unitsPerVisit: 1, days: ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], from: "09:00", to: "09:45" });
    });

    it("plans against capacity net of what is already booked in the period", async () => {
      await api.db.query("UPDATE listings SET weekly_capacity_units = 10 WHERE id = $1", [listings.zCare.id]);
      expect(chosen((await plan([CARE])).plan!)).toEqual(["zCare"]);
      // Another client has 5 h a week of Z's 10 on Mondays: 5 are left, too few for 7.
      const other = await aClientUser(api.db);
      const booked = await api.data<{ createBooking: { userErrors: unknown[] } }>(
        "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code message } } }",
        {
          input: {
            listingId: toGlobalId("Listing", listings.zCare.id),
            budgetId: toGlobalId("Budget", (await aBudget(api.db, other.client, { periodStart: "2026-03-01" })).id),
            startsAt: "2026-03-02T09:00:00Z",
            recurrence: "FREQ=WEEKLY;BYDAY=MO",
            unitsPerVisit: 5,
            idempotencyKey: "z-mondays",
          },
        },
        { as: other.user },
      );
      expect(booked.createBooking.userErrors).toEqual([]);
      expect(chosen((await plan([CARE])).plan!)).toEqual(["xCare"]);
      const tooMuch = (await plan([{ ...CARE, minCqcRating: "OUTSTANDING" }])).plan!;
      expect(tooMuch.unmet).toEqual([expect.objectContaining({ need: 0, reason: "NO_CAPACITY" })]);
      // 5 h fit what is left.
      expect(chosen((await plan([{ ...CARE, unitsPerWeek: 5 }])).plan!)).toEqual(["zCare"]);
    });
  });
});
