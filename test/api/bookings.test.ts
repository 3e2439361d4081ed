import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BookingEntity } from "../../src/modules/bookings/booking.entity";
import { VisitEntity } from "../../src/modules/bookings/visit.entity";
import { BudgetKind } from "../../src/modules/reference";
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
  LEICESTERSHIRE,
} from "../support/factories";

type Errors = { code: string; field: string[] | null; message: string }[];
type BookingData = {
  id: string;
  status: string;
  committedPence: number;
  spentPence: number;
  totalCostPence: number;
  unitPricePence: number;
  payeeIsRelative: boolean;
  approval: { required: boolean; reasons: string[]; decision: string | null; explanations: string[] };
  budget: { committedPence: number; spentPence: number; availablePence: number } | null;
  visits: { totalCount: number; nodes: { id: string; startsAt: string; status: string; costPence: number }[] };
};

const BOOKING_FIELDS = /* GraphQL */ `
  id status committedPence spentPence totalCostPence unitPricePence payeeIsRelative
  approval { required reasons decision explanations }
  budget { committedPence spentPence availablePence }
  visits(first: 100) { totalCount nodes { id startsAt status costPence } }
`;
const CREATE = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { ${BOOKING_FIELDS} } userErrors { code message field } } }`;
const decision = (name: string) =>
  `mutation ($input: BookingDecisionInput!) { ${name}(input: $input) { booking { ${BOOKING_FIELDS} } userErrors { code message field } } }`;
const RECORD = "mutation ($input: RecordVisitInput!) { recordVisit(input: $input) { visit { status costPence } userErrors { code message field } } }";

let keys = 0;

async function book(api: TestApi, as: UserEntity, input: Record<string, unknown>) {
  const result = await api.data<{ createBooking: { booking: BookingData | null; userErrors: Errors } }>(
    CREATE,
    { input: { unitsPerVisit: 1, idempotencyKey: `key-${++keys}`, ...input } },
    { as },
  );
  return result.createBooking;
}

describe("bookings", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  async function world(allocatedPence = 1_000_000) {
    const { user: client, client: holder } = await aClientUser(api.db);
    const budget = await aBudget(api.db, holder, { allocatedPence });
    const { user: providerUser, provider } = await aProviderMember(api.db);
    const listing = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 2400 });
    const ids = { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id) };
    return { client, holder, budget, providerUser, provider, listing, ids };
  }

  describe("createBooking", () => {
    it("books one visit and commits its cost", async () => {
      const { client, ids } = await world(100_000);
      const { booking, userErrors } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", unitsPerVisit: 1.5 });
      expect(userErrors).toEqual([]);
      expect(booking).toMatchObject({
        status: "REQUESTED",
        unitPricePence: 2400,
        committedPence: 3600,
        totalCostPence: 3600,
        budget: { committedPence: 3600, spentPence: 0, availablePence: 96_400 },
        visits: { totalCount: 1, nodes: [{ startsAt: "2026-04-06T09:00:00.000Z", status: "SCHEDULED", costPence: 3600 }] },
      });
    });

    it("materialises a weekly recurrence at 09:00 London time across the clock change", async () => {
      const { client, ids } = await world();
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-10-19T08:00:00Z", recurrence: "FREQ=WEEKLY;COUNT=3" });
      expect(booking!.visits.nodes.map((v) => v.startsAt)).toEqual(["2026-10-19T08:00:00.000Z", "2026-10-26T09:00:00.000Z", "2026-11-02T09:00:00.000Z"]);
      expect(booking!.committedPence).toBe(3 * 2400);
    });

    it("stops an open-ended recurrence at the end of the budget period", async () => {
      const { client, ids } = await world();
      const { booking } = await book(api, client, { ...ids, startsAt: "2027-03-01T10:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=MO" });
      expect(booking!.visits.nodes.map((v) => v.startsAt.slice(0, 10))).toEqual(["2027-03-01", "2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29"]);
    });

    it("refuses with INSUFFICIENT_BUDGET and leaves nothing behind", async () => {
      const { client, ids } = await world(5000);
      const { booking, userErrors } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", recurrence: "FREQ=WEEKLY;COUNT=3" });
      expect(booking).toBeNull();
      expect(userErrors).toEqual([
        {
          code: "INSUFFICIENT_BUDGET",
          message: "This needs £72.00 but the budget has £50.00 available. Nothing was committed: book less, or ask the funding body for a top-up.",
          field: null,
        },
      ]);
      expect(await api.db.getRepository(BookingEntity).count()).toBe(0);
      expect(await api.db.getRepository(VisitEntity).count()).toBe(0);
      expect(await api.db.query("SELECT count(*)::int AS n FROM ledger_entries WHERE kind <> 'ALLOCATION'")).toEqual([{ n: 0 }]);
    });

    it("applies the spending rules, each with its source", async () => {
      const { client, holder, ids, provider } = await world();
      const cleaning = await aListing(api.db, provider, { categoryCode: "NIGHT_CARE" });
      const outsidePlan = await book(api, client, { ...ids, listingId: toGlobalId("Listing", cleaning.id), startsAt: "2026-04-06T09:00:00Z" });
      expect(outsidePlan.userErrors.map((e) => e.code)).toEqual(["OUTSIDE_SUPPORT_PLAN"]);

      const early = await book(api, client, { ...ids, startsAt: "2026-03-20T09:00:00Z" });
      expect(early.userErrors.map((e) => [e.code, e.field])).toEqual([["OUTSIDE_BUDGET_PERIOD", ["input", "startsAt"]]]);

      const health = await aBudget(api.db, holder, { kind: BudgetKind.PERSONAL_HEALTH_BUDGET, coveredCategories: ["SOCIAL_LEISURE"] });
      const club = await aListing(api.db, provider, { categoryCode: "SOCIAL_LEISURE", pricePence: 800 });
      const phb = await book(api, client, {
        listingId: toGlobalId("Listing", club.id),
        budgetId: toGlobalId("Budget", health.id),
        startsAt: "2026-04-06T09:00:00Z",
      });
      expect(phb.userErrors).toEqual([]); // the 2013 regulations exclude no social and leisure (test/api/law.test.ts has what they do)

      const unregistered = await aProvider(api.db, { cqcLocationId: null, cqcRating: null });
      const personalCare = await aListing(api.db, unregistered, { categoryCode: "PERSONAL_CARE" });
      const cqc = await book(api, client, { ...ids, listingId: toGlobalId("Listing", personalCare.id), startsAt: "2026-04-06T09:00:00Z" });
      expect(cqc.userErrors.map((e) => e.code)).toEqual(["CQC_REGISTRATION_REQUIRED"]);

      const home = await aProvider(api.db, { kind: "CARE_HOME" as never });
      const place = await aListing(api.db, home, {
        categoryCode: "RESIDENTIAL_CARE",
        unit: "WEEK" as never,
        pricePence: 94_900,
        setting: "CARE_HOME" as never,
      });
      const residential = await aBudget(api.db, holder, { coveredCategories: ["RESIDENTIAL_CARE"], allocatedPence: 10_000_000 });
      const longStay = await book(api, client, {
        listingId: toGlobalId("Listing", place.id),
        budgetId: toGlobalId("Budget", residential.id),
        startsAt: "2026-04-06T12:00:00Z",
        recurrence: "FREQ=WEEKLY;COUNT=8",
      });
      expect(longStay.userErrors.map((e) => e.code)).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED"]);
      expect(longStay.userErrors[0].message).toContain("reg. 8");
      const respite = await book(api, client, {
        listingId: toGlobalId("Listing", place.id),
        budgetId: toGlobalId("Budget", residential.id),
        startsAt: "2026-04-06T12:00:00Z",
        recurrence: "FREQ=WEEKLY;COUNT=3",
      });
      expect(respite.userErrors).toEqual([]);
    });

    it("refuses malformed requests with the field at fault", async () => {
      const { client, ids, provider, listing } = await world();
      const cases: [Record<string, unknown>, string, string][] = [
        [{ unitsPerVisit: 1.255 }, "INVALID_VALUE", "unitsPerVisit"],
        [{ unitsPerVisit: 0 }, "INVALID_VALUE", "unitsPerVisit"],
        [{ startsAt: "2026-02-01T09:00:00Z" }, "INVALID_VALUE", "startsAt"],
        [{ recurrence: "FREQ=SOMETIMES" }, "INVALID_VALUE", "recurrence"],
        [{ budgetId: toGlobalId("Budget", listing.id) }, "NOT_FOUND", "budgetId"],
        [{ listingId: toGlobalId("Provider", provider.id) }, "NOT_FOUND", "listingId"],
      ];
      for (const [change, code, field] of cases) {
        const { userErrors } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", ...change });
        expect(userErrors.map((e) => [e.code, e.field])).toEqual([[code, ["input", field]]]);
      }
      await api.db.query("UPDATE listings SET active = false WHERE id = $1", [listing.id]);
      const withdrawn = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      expect(withdrawn.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    });

    it("lets a broker book for their client, and nobody for a stranger's", async () => {
      const { holder, ids } = await world();
      const broker = await aBroker(api.db, holder);
      expect((await book(api, broker, { ...ids, startsAt: "2026-04-06T09:00:00Z" })).booking?.status).toBe("REQUESTED");
      const stranger = (await aClientUser(api.db)).user;
      expect((await book(api, stranger, { ...ids, startsAt: "2026-04-07T09:00:00Z" })).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      const otherCommissioner = await aCommissioner(api.db, LEICESTERSHIRE);
      expect((await book(api, otherCommissioner, { ...ids, startsAt: "2026-04-07T09:00:00Z" })).userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    });
  });

  describe("approval", () => {
    it("holds a relative payee's booking for the commissioner (reg. 3), committed meanwhile", async () => {
      const { client, ids } = await world(100_000);
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", payeeRelationship: "SPOUSE_OR_PARTNER" });
      expect(booking).toMatchObject({
        status: "PENDING_APPROVAL",
        payeeIsRelative: true,
        budget: { committedPence: 2400 },
        approval: { required: true, reasons: ["RELATIVE_PAYEE"], decision: null },
      });
      expect(booking!.approval.explanations[0]).toContain("reg. 3");

      const commissioner = await aCommissioner(api.db);
      const approved = await api.data<{ approveBooking: { booking: BookingData } }>(
        decision("approveBooking"),
        { input: { bookingId: booking!.id, note: "Only carer available" } },
        { as: commissioner },
      );
      expect(approved.approveBooking.booking).toMatchObject({ status: "REQUESTED", approval: { decision: "APPROVED" } });
    });

    it("releases everything when the commissioner rejects", async () => {
      const { client, ids } = await world(100_000);
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", payeeRelationship: "CLOSE_RELATIVE_SAME_HOUSEHOLD" });
      const commissioner = await aCommissioner(api.db);
      const rejected = await api.data<{ rejectBooking: { booking: BookingData } }>(
        decision("rejectBooking"),
        { input: { bookingId: booking!.id, note: "Other carers available" } },
        { as: commissioner },
      );
      expect(rejected.rejectBooking.booking).toMatchObject({
        status: "DECLINED",
        committedPence: 0,
        budget: { committedPence: 0, availablePence: 100_000 },
        approval: { decision: "REJECTED" },
      });
      const again = await api.data<{ approveBooking: { userErrors: Errors } }>(
        decision("approveBooking"),
        { input: { bookingId: booking!.id } },
        { as: commissioner },
      );
      expect(again.approveBooking.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
    });

    it("holds a large life-improving purchase, below the threshold it goes straight through", async () => {
      const { client, ids, provider } = await world(1_000_000);
      const gardening = await aListing(api.db, provider, { categoryCode: "GARDENING", pricePence: 2000 });
      const listingId = toGlobalId("Listing", gardening.id);
      const small = await book(api, client, { ...ids, listingId, startsAt: "2026-04-06T09:00:00Z", recurrence: "FREQ=WEEKLY;COUNT=10" }); // £200
      expect(small.booking?.status).toBe("REQUESTED");
      const large = await book(api, client, { ...ids, listingId, startsAt: "2026-04-07T09:00:00Z", recurrence: "FREQ=WEEKLY;COUNT=30" }); // £600
      expect(large.booking).toMatchObject({ status: "PENDING_APPROVAL", approval: { reasons: ["LIFE_IMPROVING_ABOVE_THRESHOLD"] } });
    });
  });

  describe("the provider's side", () => {
    it("confirms or declines a requested booking, once", async () => {
      const { client, ids, providerUser } = await world(100_000);
      const first = (await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z" })).booking!;
      const second = (await book(api, client, { ...ids, startsAt: "2026-04-07T09:00:00Z" })).booking!;
      const confirmed = await api.data<{ confirmBooking: { booking: BookingData } }>(
        decision("confirmBooking"),
        { input: { bookingId: first.id } },
        { as: providerUser },
      );
      expect(confirmed.confirmBooking.booking.status).toBe("CONFIRMED");
      const twice = await api.data<{ confirmBooking: { booking: null; userErrors: Errors } }>(
        decision("confirmBooking"),
        { input: { bookingId: first.id } },
        { as: providerUser },
      );
      expect(twice.confirmBooking).toEqual({
        booking: null,
        userErrors: [{ code: "INVALID_TRANSITION", message: "A CONFIRMED booking cannot be confirmed; that needs REQUESTED.", field: ["input", "bookingId"] }],
      });
      const declined = await api.data<{ declineBooking: { booking: BookingData } }>(
        decision("declineBooking"),
        { input: { bookingId: second.id, note: "Fully booked" } },
        { as: providerUser },
      );
      expect(declined.declineBooking.booking).toMatchObject({ status: "DECLINED", committedPence: 0, visits: { nodes: [{ status: "CANCELLED" }] } });
    });

    it("reads other providers' bookings as not found", async () => {
      const { client, ids } = await world();
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      const other = (await aProviderMember(api.db)).user;
      const result = await api.data<{ confirmBooking: { userErrors: Errors } }>(
        decision("confirmBooking"),
        { input: { bookingId: booking!.id } },
        { as: other },
      );
      expect(result.confirmBooking.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      expect(await api.data("query ($id: ID!) { booking(id: $id) { id } }", { id: booking!.id }, { as: other })).toEqual({ booking: null });
    });

    it("sees what the booking needs about the client, and no budget figures", async () => {
      const { client, holder, ids, providerUser } = await world();
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      const seen = await api.data(
        "query ($id: ID!) { booking(id: $id) { budget { id } client { displayName postcodeDistrict dateOfBirth ageBand newToSupport budgets { id } broker { id } } } }",
        { id: booking!.id },
        { as: providerUser },
      );
      expect(seen).toEqual({
        booking: {
          budget: null,
          client: {
            displayName: holder.displayName,
            postcodeDistrict: "SW19",
            dateOfBirth: null,
            ageBand: null,
            newToSupport: null,
            budgets: [],
            broker: null,
          },
        },
      });
    });

    it("records visits: delivered becomes spend, missed is released, the last completes the booking", async () => {
      const { client, ids, providerUser } = await world(100_000);
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", recurrence: "FREQ=DAILY;COUNT=3" });
      const [first, second, third] = booking!.visits.nodes;
      const record = (visitId: string, outcome: string) =>
        api.data<{ recordVisit: { visit: unknown; userErrors: Errors } }>(RECORD, { input: { visitId, outcome } }, { as: providerUser });

      expect((await record(first.id, "DELIVERED")).recordVisit.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]); // not confirmed yet
      await api.data(decision("confirmBooking"), { input: { bookingId: booking!.id } }, { as: providerUser });
      expect((await record(first.id, "DELIVERED")).recordVisit.userErrors.map((e) => e.code)).toEqual(["VISIT_NOT_DUE"]);

      api.clock.set("2026-04-09T12:00:00Z");
      expect(await record(first.id, "DELIVERED")).toEqual({ recordVisit: { visit: { status: "DELIVERED", costPence: 2400 }, userErrors: [] } });
      expect((await record(first.id, "MISSED")).recordVisit.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
      expect((await record(second.id, "MISSED")).recordVisit.visit).toEqual({ status: "MISSED", costPence: 2400 });
      await record(third.id, "DELIVERED");

      const done = await api.data<{ booking: BookingData }>(`query ($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`, { id: booking!.id }, { as: client });
      expect(done.booking).toMatchObject({
        status: "COMPLETED",
        committedPence: 0,
        spentPence: 4800,
        budget: { committedPence: 0, spentPence: 4800, availablePence: 95_200 },
      });
    });
  });

  describe("cancelBooking", () => {
    it("releases the visits not yet delivered and keeps what was spent", async () => {
      const { client, ids, providerUser } = await world(100_000);
      const { booking } = await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z", recurrence: "FREQ=WEEKLY;COUNT=4" });
      await api.data(decision("confirmBooking"), { input: { bookingId: booking!.id } }, { as: providerUser });
      api.clock.set("2026-04-07T09:00:00Z");
      await api.data(RECORD, { input: { visitId: booking!.visits.nodes[0].id, outcome: "DELIVERED" } }, { as: providerUser });

      const cancelled = await api.data<{ cancelBooking: { booking: BookingData } }>(
        decision("cancelBooking"),
        { input: { bookingId: booking!.id, note: "Moving away" } },
        { as: client },
      );
      expect(cancelled.cancelBooking.booking).toMatchObject({
        status: "CANCELLED",
        committedPence: 0,
        spentPence: 2400,
        budget: { committedPence: 0, spentPence: 2400, availablePence: 97_600 },
      });
      expect(cancelled.cancelBooking.booking.visits.nodes.map((v) => v.status)).toEqual(["DELIVERED", "CANCELLED", "CANCELLED", "CANCELLED"]);
      const again = await api.data<{ cancelBooking: { userErrors: Errors } }>(
        decision("cancelBooking"),
        { input: { bookingId: booking!.id } },
        { as: providerUser },
      );
      expect(again.cancelBooking.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
    });
  });

  describe("bookings(filter)", () => {
    it("lists what each viewer may see", async () => {
      const { client, holder, ids, providerUser } = await world();
      await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      const other = await world();
      await book(api, other.client, { ...other.ids, startsAt: "2026-04-06T09:00:00Z", payeeRelationship: "SPOUSE_OR_PARTNER" });
      const count = async (as: UserEntity, filter: object = {}) =>
        (await api.data<{ bookings: { totalCount: number } }>("query ($f: BookingFilter) { bookings(filter: $f) { totalCount } }", { f: filter }, { as }))
          .bookings.totalCount;
      expect(await count(client)).toBe(1);
      expect(await count(providerUser)).toBe(1);
      expect(await count(await aBroker(api.db, holder))).toBe(1);
      expect(await count(await aCommissioner(api.db))).toBe(2);
      expect(await count(await aCommissioner(api.db), { statuses: ["PENDING_APPROVAL"] })).toBe(1);
      expect(await count(await aCommissioner(api.db, LEICESTERSHIRE))).toBe(0);
      expect(await count((await aClientUser(api.db, await aClient(api.db))).user)).toBe(0);
    });
  });

  describe("personal assistants", () => {
    it("cannot be booked twice at once (SLOT_TAKEN), but back to back is fine", async () => {
      const { client, budget } = await world();
      const pa = await aPersonalAssistant(api.db);
      const ids = { listingId: toGlobalId("Listing", pa.listing.id), budgetId: toGlobalId("Budget", budget.id) };
      expect((await book(api, client, { ...ids, startsAt: "2026-04-06T09:00:00Z" })).userErrors).toEqual([]);
      const overlap = await book(api, client, { ...ids, startsAt: "2026-04-06T09:30:00Z" });
      expect(overlap.userErrors).toEqual([
        {
          code: "SLOT_TAKEN",
          message: "The personal assistant already has a visit at that time. Choose another time or another provider.",
          field: ["input", "startsAt"],
        },
      ]);
      expect((await book(api, client, { ...ids, startsAt: "2026-04-06T10:00:00Z" })).userErrors).toEqual([]);
    });
  });
});
