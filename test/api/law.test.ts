/**
 * The law as written (issue #10, item 8), through GraphQL: care-home stays by direct payment over
 * twelve months (reg. 8 of the Care and Support (Direct Payments) Regulations 2014), what a
 * personal health budget or a personal budget may not buy, and a relative payee declared by either
 * side needing the council's recorded agreement (reg. 3).
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { BudgetKind } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBudget, aClientUser, aCommissioner, aListing, aProvider, aProviderMember, ledgerMismatches } from "../support/factories";

type Errors = { code: string; field: string[] | null; message: string }[];
type BookingData = {
  id: string;
  status: string;
  payeeRelationship: string;
  payeeDeclaredByProvider: string | null;
  payeeIsRelative: boolean;
  committedPence: number;
  approval: { required: boolean; reasons: string[]; decision: string | null; note: string };
};
type Payload = { booking: BookingData | null; userErrors: Errors };

const FIELDS = "id status payeeRelationship payeeDeclaredByProvider payeeIsRelative committedPence approval { required reasons decision note }";
const CREATE = `mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { ${FIELDS} } userErrors { code message field } } }`;
const decide = (name: string) =>
  `mutation ($input: BookingDecisionInput!) { ${name}(input: $input) { booking { ${FIELDS} } userErrors { code message field } } }`;

let keys = 0;

describe("the law as written", () => {
  const api = useApi();
  beforeEach(() => api.clock.set("2026-03-01T10:00:00Z"));
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  async function book(as: UserEntity, input: Record<string, unknown>): Promise<Payload> {
    const result = await api.data<{ createBooking: Payload }>(CREATE, { input: { unitsPerVisit: 1, idempotencyKey: `law-${++keys}`, ...input } }, { as });
    return result.createBooking;
  }

  async function decision(name: string, as: UserEntity, input: Record<string, unknown>): Promise<Payload> {
    const result = await api.data<Record<string, Payload>>(decide(name), { input }, { as });
    return result[name];
  }

  describe("care-home stays by direct payment: four weeks in any twelve months (reg. 8)", () => {
    async function careHome(holder: ClientEntity) {
      const home = await aProvider(api.db, { kind: "CARE_HOME" as never });
      const place = await aListing(api.db, home, {
        categoryCode: "RESIDENTIAL_CARE",
        unit: "WEEK" as never,
        pricePence: 94_900,
        setting: "CARE_HOME" as never,
      });
      const budget = await aBudget(api.db, holder, { coveredCategories: ["RESIDENTIAL_CARE"], allocatedPence: 10_000_000 });
      return { place, budget, listingId: toGlobalId("Listing", place.id), budgetId: toGlobalId("Budget", budget.id) };
    }
    /** A stay of `weeks` weeks from noon (London) on a day. */
    const stay = (day: string, weeks: number) => ({ startsAt: `${day}T11:00:00Z`, recurrence: `FREQ=WEEKLY;COUNT=${weeks}` });

    it("refuses a second three-week stay straight after the first, naming the twelve months and the days", async () => {
      const { user, client } = await aClientUser(api.db);
      const { listingId, budgetId } = await careHome(client);
      expect((await book(user, { listingId, budgetId, ...stay("2026-04-06", 3) })).userErrors).toEqual([]);
      const second = await book(user, { listingId, budgetId, ...stay("2026-04-27", 3) });
      expect(second).toEqual({
        booking: null,
        userErrors: [
          {
            code: "CARE_HOME_PLACEMENT_NOT_ALLOWED",
            message:
              "A direct payment may pay for at most 28 days in a care home in 12 months, stays less than four weeks apart counting as one " +
              "(Care and Support (Direct Payments) Regulations 2014, reg. 8). In the 12 months 2026-04-06 to 2027-04-05 this client's stays would come to 42 days: " +
              "21 already booked and 21 in this booking. Book a shorter stay, leave four weeks between stays, or ask the council to arrange the place.",
            field: ["input", "startsAt"],
          },
        ],
      });
    });

    it("adds together stays less than four weeks apart; four weeks after, the count starts again", async () => {
      const { user, client } = await aClientUser(api.db);
      const { listingId, budgetId } = await careHome(client);
      await book(user, { listingId, budgetId, ...stay("2026-04-06", 3) }); // to 27 April
      // Three weeks and six days after the first ended: one period of six weeks.
      expect((await book(user, { listingId, budgetId, ...stay("2026-05-24", 3) })).userErrors.map((e) => e.code)).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED"]);
      // Four weeks after: a period of its own.
      expect((await book(user, { listingId, budgetId, ...stay("2026-05-25", 3) })).booking?.status).toBe("REQUESTED");
      // A week's stay a fortnight after that joins the second period: 28 days, allowed; a day more is not.
      expect((await book(user, { listingId, budgetId, ...stay("2026-06-29", 1) })).booking?.status).toBe("REQUESTED");
      const oneMore = await book(user, { listingId, budgetId, startsAt: "2026-07-20T11:00:00Z" });
      expect(oneMore.userErrors.map((e) => e.code)).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED"]);
      expect(oneMore.userErrors[0].message).toContain("35 days: 28 already booked and 7 in this booking");
    });

    it("counts the client's stays from every direct-payment budget, and no cancelled one", async () => {
      const { user, client } = await aClientUser(api.db);
      const { listingId, budgetId } = await careHome(client);
      const nextYear = await aBudget(api.db, client, {
        coveredCategories: ["RESIDENTIAL_CARE"],
        allocatedPence: 10_000_000,
        periodStart: "2027-04-01",
        periodEnd: "2028-03-31",
      });
      const march = await book(user, { listingId, budgetId, ...stay("2027-03-08", 3) }); // to 29 March 2027
      expect(march.booking?.status).toBe("REQUESTED");
      const april = { listingId, budgetId: toGlobalId("Budget", nextYear.id), ...stay("2027-04-05", 3) };
      expect((await book(user, april)).userErrors.map((e) => e.code)).toEqual(["CARE_HOME_PLACEMENT_NOT_ALLOWED"]);
      expect((await decision("cancelBooking", user, { bookingId: march.booking!.id })).booking?.status).toBe("CANCELLED");
      expect((await book(user, april)).booking?.status).toBe("REQUESTED");
    });

    it("leaves a council-managed place and another client's stays out", async () => {
      const { user, client } = await aClientUser(api.db);
      const { listingId, place } = await careHome(client);
      const managed = await aBudget(api.db, client, {
        coveredCategories: ["RESIDENTIAL_CARE"],
        allocatedPence: 10_000_000,
        management: "COUNCIL_MANAGED" as never,
      });
      expect((await book(user, { listingId, budgetId: toGlobalId("Budget", managed.id), ...stay("2026-04-06", 8) })).booking?.status).toBe("REQUESTED");
      const other = await aClientUser(api.db);
      const theirs = await aBudget(api.db, other.client, { coveredCategories: ["RESIDENTIAL_CARE"], allocatedPence: 10_000_000 });
      const theirStay = { listingId: toGlobalId("Listing", place.id), budgetId: toGlobalId("Budget", theirs.id), ...stay("2026-04-06", 4) };
      expect((await book(other.user, theirStay)).booking?.status).toBe("REQUESTED");
      const dp = await aBudget(api.db, client, { coveredCategories: ["RESIDENTIAL_CARE"], allocatedPence: 10_000_000 });
      expect((await book(user, { listingId, budgetId: toGlobalId("Budget", dp.id), ...stay("2026-06-01", 4) })).booking?.status).toBe("REQUESTED");
    });
  });

  describe("what a budget may not buy", () => {
    const EXCLUDED = ["PRIMARY_MEDICAL", "PRIMARY_DENTAL", "URGENT_EMERGENCY_CARE", "ALCOHOL", "TOBACCO", "GAMBLING", "DEBT_REPAYMENT"];

    it("lists the excluded categories, bought by no budget kind, each saying why", async () => {
      const { serviceCategories } = await api.data<{ serviceCategories: { code: string; allowedFor: string[]; exclusionNote: string }[] }>(
        "{ serviceCategories { code allowedFor exclusionNote } }",
      );
      const excluded = serviceCategories.filter((c) => EXCLUDED.includes(c.code));
      expect(excluded.map((c) => [c.code, c.allowedFor])).toEqual(EXCLUDED.map((code) => [code, []]));
      expect(excluded.find((c) => c.code === "PRIMARY_DENTAL")!.exclusionNote).toContain("National Health Service (Direct Payments) Regulations 2013");
      expect(excluded.find((c) => c.code === "GAMBLING")!.exclusionNote).toContain("Care Act 2014 s.33(3)");
      expect(serviceCategories.find((c) => c.code === "SOCIAL_LEISURE")).toEqual({
        code: "SOCIAL_LEISURE",
        allowedFor: ["PERSONAL_BUDGET", "PERSONAL_HEALTH_BUDGET"],
        exclusionNote: "",
      });
    });

    it("refuses a personal health budget each excluded category, even one a plan names, and lets it buy social and leisure", async () => {
      const { user, client } = await aClientUser(api.db);
      const provider = await aProvider(api.db);
      const health = await aBudget(api.db, client, { kind: BudgetKind.PERSONAL_HEALTH_BUDGET, coveredCategories: [...EXCLUDED, "SOCIAL_LEISURE"] });
      const budgetId = toGlobalId("Budget", health.id);
      for (const [i, code] of EXCLUDED.entries()) {
        const listing = await aListing(api.db, provider, { categoryCode: code, pricePence: 3000 });
        const refused = await book(user, {
          listingId: toGlobalId("Listing", listing.id),
          budgetId,
          startsAt: `2026-04-${String(6 + i).padStart(2, "0")}T09:00:00Z`,
        });
        expect([code, refused.booking, refused.userErrors.map((e) => e.code)]).toEqual([code, null, ["NOT_ALLOWED_FOR_BUDGET_KIND"]]);
        expect(refused.userErrors[0].message).toMatch(/^A personal health budget may not pay for /);
      }
      const dentist = await aListing(api.db, provider, { categoryCode: "PRIMARY_DENTAL", title: "Check-up" });
      const [refusal] = (await book(user, { listingId: toGlobalId("Listing", dentist.id), budgetId, startsAt: "2026-04-20T09:00:00Z" })).userErrors;
      expect(refusal.message).toBe(
        "A personal health budget may not pay for Primary dental services (NHS dentistry). NHS services free at the point of use: a personal health budget may not buy them " +
          "(National Health Service (Direct Payments) Regulations 2013), and a council may not meet needs by arranging what the NHS must provide (Care Act 2014 s.22).",
      );
      const club = await aListing(api.db, provider, { categoryCode: "SOCIAL_LEISURE", pricePence: 800 });
      expect((await book(user, { listingId: toGlobalId("Listing", club.id), budgetId, startsAt: "2026-04-21T09:00:00Z" })).booking?.status).toBe("REQUESTED");
    });

    it("refuses a personal budget alcohol, tobacco, gambling and debt repayment too (councils' direct-payment terms)", async () => {
      const { user, client } = await aClientUser(api.db);
      const provider = await aProvider(api.db);
      const budget = await aBudget(api.db, client, { coveredCategories: ["ALCOHOL", "GAMBLING", "SOCIAL_LEISURE"] });
      const budgetId = toGlobalId("Budget", budget.id);
      const pub = await aListing(api.db, provider, { categoryCode: "ALCOHOL", pricePence: 600 });
      const refused = await book(user, { listingId: toGlobalId("Listing", pub.id), budgetId, startsAt: "2026-04-06T19:00:00Z" });
      expect(refused.userErrors.map((e) => e.code)).toEqual(["NOT_ALLOWED_FOR_BUDGET_KIND"]);
      expect(refused.userErrors[0].message).toMatch(/^A personal budget may not pay for Alcohol\. Not for public money: .*councils' direct-payment terms/);
      const match = await aListing(api.db, provider, { categoryCode: "SOCIAL_LEISURE", pricePence: 2500 });
      expect((await book(user, { listingId: toGlobalId("Listing", match.id), budgetId, startsAt: "2026-04-11T15:00:00Z" })).booking?.status).toBe("REQUESTED");
    });

    it("refuses accepting a quote for an excluded category with a personal health budget", async () => {
      const { user, client } = await aClientUser(api.db);
      const { user: dentistUser, provider } = await aProviderMember(api.db);
      const surgery = await aListing(api.db, provider, { categoryCode: "PRIMARY_DENTAL", unit: "VISIT" as never, visitMinutes: 30, pricePence: 2700 });
      const health = await aBudget(api.db, client, { kind: BudgetKind.PERSONAL_HEALTH_BUDGET, coveredCategories: ["PRIMARY_DENTAL"] });
      const requested = await api.data<{ requestQuote: { quoteRequest: { id: string }; userErrors: Errors } }>(
        "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code message field } } }",
        {
          input: {
            clientId: toGlobalId("Client", client.id),
            categoryCode: "PRIMARY_DENTAL",
            description: "A check-up.",
            unitsPerWeek: 1,
            schedule: "Any weekday",
            startsOn: "2026-04-06",
            endsOn: "2026-04-10",
          },
        },
        { as: user },
      );
      const submitted = await api.data<{ submitQuote: { quote: { id: string }; userErrors: Errors } }>(
        "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } userErrors { code message field } } }",
        {
          input: {
            requestId: requested.requestQuote.quoteRequest.id,
            listingId: toGlobalId("Listing", surgery.id),
            unitPricePence: 2700,
            startsAt: "2026-04-07T09:00:00Z",
            validUntil: "2026-03-15T00:00:00Z",
          },
        },
        { as: dentistUser },
      );
      expect(submitted.submitQuote.userErrors).toEqual([]);
      const accepted = await api.data<{ acceptQuote: { booking: { id: string } | null; userErrors: Errors } }>(
        "mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { booking { id } userErrors { code message field } } }",
        { input: { quoteId: submitted.submitQuote.quote.id, budgetId: toGlobalId("Budget", health.id), idempotencyKey: "dentist" } },
        { as: user },
      );
      expect(accepted.acceptQuote.booking).toBeNull();
      expect(accepted.acceptQuote.userErrors.map((e) => e.code)).toEqual(["NOT_ALLOWED_FOR_BUDGET_KIND"]);
    });
  });

  describe("a relative as payee, declared by either side (reg. 3)", () => {
    async function world() {
      const { user: client, client: holder } = await aClientUser(api.db);
      const budget = await aBudget(api.db, holder, { allocatedPence: 100_000 });
      const { user: providerUser, provider } = await aProviderMember(api.db);
      const listing = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 2400 });
      const ids = { listingId: toGlobalId("Listing", listing.id), budgetId: toGlobalId("Budget", budget.id) };
      return { client, providerUser, commissioner: await aCommissioner(api.db), ids };
    }

    it("holds a booking whose provider declares a spouse at confirmation until the council records why; then it is confirmed", async () => {
      const { client, providerUser, commissioner, ids } = await world();
      const { booking } = await book(client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      expect(booking).toMatchObject({ status: "REQUESTED", payeeIsRelative: false, payeeDeclaredByProvider: null });

      const confirmed = await decision("confirmBooking", providerUser, { bookingId: booking!.id, payeeRelationship: "SPOUSE_OR_PARTNER" });
      expect(confirmed).toEqual({
        booking: {
          id: booking!.id,
          status: "PENDING_APPROVAL",
          payeeRelationship: "SPOUSE_OR_PARTNER",
          payeeDeclaredByProvider: "SPOUSE_OR_PARTNER",
          payeeIsRelative: true,
          committedPence: 2400,
          approval: { required: true, reasons: ["RELATIVE_PAYEE"], decision: null, note: "" },
        },
        userErrors: [],
      });

      const unexplained = await decision("approveBooking", commissioner, { bookingId: booking!.id });
      expect(unexplained.booking).toBeNull();
      expect(unexplained.userErrors.map((e) => [e.code, e.field])).toEqual([["INVALID_VALUE", ["input", "note"]]]);
      expect(unexplained.userErrors[0].message).toContain("reg. 3");

      const approved = await decision("approveBooking", commissioner, { bookingId: booking!.id, note: "Her husband is the only carer she will accept" });
      expect(approved.booking).toMatchObject({
        status: "CONFIRMED",
        approval: { decision: "APPROVED", note: "Her husband is the only carer she will accept" },
      });
    });

    it("confirms at once a booking the council already agreed to for that relative", async () => {
      const { client, providerUser, commissioner, ids } = await world();
      const { booking } = await book(client, { ...ids, startsAt: "2026-04-06T09:00:00Z", payeeRelationship: "CLOSE_RELATIVE_SAME_HOUSEHOLD" });
      expect(booking!.status).toBe("PENDING_APPROVAL");
      expect((await decision("approveBooking", commissioner, { bookingId: booking!.id, note: "No agency covers the village" })).booking?.status).toBe(
        "REQUESTED",
      );
      const confirmed = await decision("confirmBooking", providerUser, { bookingId: booking!.id, payeeRelationship: "CLOSE_RELATIVE_SAME_HOUSEHOLD" });
      expect(confirmed.booking).toMatchObject({
        status: "CONFIRMED",
        payeeDeclaredByProvider: "CLOSE_RELATIVE_SAME_HOUSEHOLD",
        approval: { decision: "APPROVED" },
      });
    });

    it("confirms a relative living elsewhere, counted as a relative payee; confirming without a word declares none", async () => {
      const { client, providerUser, ids } = await world();
      const first = (await book(client, { ...ids, startsAt: "2026-04-06T09:00:00Z" })).booking!;
      const second = (await book(client, { ...ids, startsAt: "2026-04-07T09:00:00Z" })).booking!;
      expect((await decision("confirmBooking", providerUser, { bookingId: first.id, payeeRelationship: "CLOSE_RELATIVE_ELSEWHERE" })).booking).toMatchObject({
        status: "CONFIRMED",
        payeeRelationship: "CLOSE_RELATIVE_ELSEWHERE",
        payeeIsRelative: true,
        approval: { required: false },
      });
      expect((await decision("confirmBooking", providerUser, { bookingId: second.id })).booking).toMatchObject({
        status: "CONFIRMED",
        payeeRelationship: "NONE",
        payeeDeclaredByProvider: "NONE",
        payeeIsRelative: false,
      });
    });

    it("releases the commitment when the council refuses the provider's relative", async () => {
      const { client, providerUser, commissioner, ids } = await world();
      const { booking } = await book(client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      await decision("confirmBooking", providerUser, { bookingId: booking!.id, payeeRelationship: "SPOUSE_OR_PARTNER" });
      const rejected = await decision("rejectBooking", commissioner, { bookingId: booking!.id, note: "Other carers are available" });
      expect(rejected.booking).toMatchObject({ status: "DECLINED", committedPence: 0, approval: { decision: "REJECTED" } });
    });

    it("holds a booking accepted from a quote whose provider declared a spouse, until the council records why", async () => {
      const { user: client, client: holder } = await aClientUser(api.db);
      const budget = await aBudget(api.db, holder, { allocatedPence: 100_000 });
      const { user: providerUser, provider } = await aProviderMember(api.db);
      const listing = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 2400 });
      const requested = await api.data<{ requestQuote: { quoteRequest: { id: string } } }>(
        "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } } }",
        {
          input: {
            clientId: toGlobalId("Client", holder.id),
            categoryCode: "PERSONAL_CARE",
            description: "Help getting up.",
            unitsPerWeek: 1,
            schedule: "Monday mornings",
            startsOn: "2026-04-06",
            endsOn: "2026-04-19",
          },
        },
        { as: client },
      );
      const submitted = await api.data<{ submitQuote: { quote: { id: string; payeeDeclaredByProvider: string }; userErrors: Errors } }>(
        "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id payeeDeclaredByProvider } userErrors { code message field } } }",
        {
          input: {
            requestId: requested.requestQuote.quoteRequest.id,
            listingId: toGlobalId("Listing", listing.id),
            unitPricePence: 2300,
            startsAt: "2026-04-06T08:00:00Z",
            validUntil: "2026-03-15T00:00:00Z",
            payeeRelationship: "SPOUSE_OR_PARTNER",
          },
        },
        { as: providerUser },
      );
      expect(submitted.submitQuote).toMatchObject({ quote: { payeeDeclaredByProvider: "SPOUSE_OR_PARTNER" }, userErrors: [] });
      const accepted = await api.data<{ acceptQuote: { booking: BookingData } }>(
        `mutation ($input: AcceptQuoteInput!) { acceptQuote(input: $input) { booking { ${FIELDS} } } }`,
        { input: { quoteId: submitted.submitQuote.quote.id, budgetId: toGlobalId("Budget", budget.id), idempotencyKey: "spouse-quote" } },
        { as: client },
      );
      expect(accepted.acceptQuote.booking).toMatchObject({
        status: "PENDING_APPROVAL",
        payeeRelationship: "SPOUSE_OR_PARTNER",
        payeeDeclaredByProvider: "SPOUSE_OR_PARTNER",
        approval: { reasons: ["RELATIVE_PAYEE"] },
      });
      const approved = await decision("approveBooking", await aCommissioner(api.db), { bookingId: accepted.acceptQuote.booking.id, note: "Agreed at review" });
      expect(approved.booking?.status).toBe("CONFIRMED");
    });

    it("takes the declaration only at confirmation", async () => {
      const { client, providerUser, ids } = await world();
      const { booking } = await book(client, { ...ids, startsAt: "2026-04-06T09:00:00Z" });
      const declined = await decision("declineBooking", providerUser, { bookingId: booking!.id, payeeRelationship: "SPOUSE_OR_PARTNER" });
      expect(declined.booking).toBeNull();
      expect(declined.userErrors.map((e) => [e.code, e.field])).toEqual([["INVALID_VALUE", ["input", "payeeRelationship"]]]);
    });
  });
});
