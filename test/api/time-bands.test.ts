/**
 * Time bands mean something (issue 10, item 3; DOMAIN.md rule 12): the visits of a booking fall in
 * the time band of the listing's rate type, on every path, London time.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import type { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { RateType, Unit } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBroker, aBudget, aClient, aCommissioner, aListing, aProvider, aProviderMember, ledgerMismatches, MERTON } from "../support/factories";

type Errors = { code: string; message: string; field: string[] | null }[];
const CREATE =
  "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id visits { totalCount } } userErrors { code message field } } }";

describe("time bands", () => {
  const api = useApi();
  let broker: UserEntity;
  let client: ClientEntity;
  let budget: BudgetEntity;
  let provider: ProviderEntity;
  const listingOf = (rateType: RateType, extra: Partial<ListingEntity> = {}) =>
    aListing(api.db, provider, { title: `${rateType} care`, rateType, pricePence: 2500, ...extra });

  beforeEach(async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    client = await aClient(api.db);
    broker = await aBroker(api.db, client);
    budget = await aBudget(api.db, client, { allocatedPence: 5_000_000 });
    provider = await aProvider(api.db);
  });
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  let keys = 0;
  const book = async (listing: ListingEntity, startsAt: string, extra: Record<string, unknown> = {}) => {
    const input = {
      listingId: toGlobalId("Listing", listing.id),
      budgetId: toGlobalId("Budget", budget.id),
      startsAt,
      idempotencyKey: `band-${++keys}`,
      ...extra,
    };
    return (
      await api.data<{ createBooking: { booking: { id: string; visits: { totalCount: number } } | null; userErrors: Errors } }>(
        CREATE,
        { input },
        { as: broker },
      )
    ).createBooking;
  };
  const codes = async (listing: ListingEntity, startsAt: string, extra: Record<string, unknown> = {}) =>
    (await book(listing, startsAt, extra)).userErrors.map((e) => e.code);

  it("refuses a WEEKEND listing booked for weekdays, naming the first weekday visit; weekends are booked", async () => {
    const weekend = await listingOf(RateType.WEEKEND);
    // Saturdays, Sundays and, wrongly, Wednesdays from Saturday 11 April.
    const refused = await book(weekend, "2026-04-11T09:00:00Z", { recurrence: "FREQ=WEEKLY;BYDAY=SA,SU,WE;COUNT=9" });
    expect(refused.booking).toBeNull();
    expect(refused.userErrors).toEqual([
      {
        code: "OUTSIDE_TIME_BAND",
        field: ["input", "startsAt"],
        message: expect.stringContaining('The visit on Wednesday 2026-04-15 at 10:00 is outside the WEEKEND band of "WEEKEND care" (Saturdays and Sundays)'),
      },
    ]);
    expect(await api.db.query("SELECT committed_pence::int AS c FROM budgets")).toEqual([{ c: 0 }]);
    const made = await book(weekend, "2026-04-11T09:00:00Z", { recurrence: "FREQ=WEEKLY;BYDAY=SA,SU;COUNT=6" });
    expect(made.userErrors).toEqual([]);
    expect(made.booking!.visits.totalCount).toBe(6);
    // Sunday 25 October 2026, 23:30 GMT: still Sunday in London. Sunday 29 March 2027, 23:30 UTC: Monday 00:30 BST.
    expect(await codes(weekend, "2026-10-25T23:30:00Z")).toEqual([]);
    expect(await codes(weekend, "2027-03-28T23:30:00Z")).toEqual(["OUTSIDE_TIME_BAND"]);
  });

  it("EVENING starts at the funding body's stated hour, which a commissioner may move", async () => {
    const evening = await listingOf(RateType.EVENING);
    // 18:00 BST is 17:00 UTC.
    expect(await codes(evening, "2026-06-10T17:00:00Z")).toEqual([]);
    expect(await codes(evening, "2026-06-10T16:30:00Z")).toEqual(["OUTSIDE_TIME_BAND"]);
    const settings = await api.data<{ updateFundingBodySettings: { fundingBody: { eveningFromHour: number } | null; userErrors: Errors } }>(
      "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { fundingBody { eveningFromHour } userErrors { code } } }",
      { input: { code: MERTON, eveningFromHour: 19 } },
      { as: await aCommissioner(api.db) },
    );
    expect(settings.updateFundingBodySettings).toEqual({ fundingBody: { eveningFromHour: 19 }, userErrors: [] });
    const refused = await book(evening, "2026-06-11T17:30:00Z");
    expect(refused.userErrors).toEqual([
      expect.objectContaining({ code: "OUTSIDE_TIME_BAND", message: expect.stringContaining("evenings, starting from 19:00") }),
    ]);
    expect(await codes(evening, "2026-06-11T18:00:00Z")).toEqual([]);
    const bad = await api.execute(
      "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { userErrors { code } } }",
      { input: { code: MERTON, eveningFromHour: 5 } },
      { as: await aCommissioner(api.db) },
    );
    expect(bad.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }) })]);
  });

  it("BANK_HOLIDAY is England's bank holidays, substitute days included; nights are overnight; live-in is whole days", async () => {
    const holiday = await listingOf(RateType.BANK_HOLIDAY);
    expect(await codes(holiday, "2026-05-04T09:00:00Z")).toEqual([]); // early May bank holiday
    expect(await codes(holiday, "2026-12-28T09:00:00Z")).toEqual([]); // Boxing Day's substitute
    expect(await codes(holiday, "2026-12-26T09:00:00Z")).toEqual(["OUTSIDE_TIME_BAND"]); // a Saturday, not a bank holiday
    expect(await codes(holiday, "2026-05-04T09:00:00Z", { recurrence: "FREQ=WEEKLY;COUNT=2" })).toEqual(["OUTSIDE_TIME_BAND"]);

    const night = await listingOf(RateType.SLEEP_IN, { categoryCode: "NIGHT_CARE", unit: Unit.NIGHT });
    await api.db.query("UPDATE budgets SET covered_categories = covered_categories || '{NIGHT_CARE,LIVE_IN_CARE}'::varchar[] WHERE id = $1", [budget.id]);
    // A night is 10 hours: 22:00 to 08:00 GMT fits; 09:00 to 19:00 does not.
    expect(await codes(night, "2026-11-10T22:00:00Z", { recurrence: "FREQ=DAILY;COUNT=3" })).toEqual([]);
    expect(await codes(night, "2026-11-12T09:00:00Z")).toEqual(["OUTSIDE_TIME_BAND"]);

    const liveIn = await listingOf(RateType.LIVE_IN, { categoryCode: "LIVE_IN_CARE", unit: Unit.WEEK, pricePence: 120_000 });
    expect(await codes(liveIn, "2026-04-06T11:00:00Z")).toEqual([]);
    const hourly = await listingOf(RateType.LIVE_IN, { categoryCode: "LIVE_IN_CARE", unit: Unit.HOUR });
    expect(await codes(hourly, "2026-04-20T11:00:00Z", { unitsPerVisit: 8 })).toEqual(["OUTSIDE_TIME_BAND"]);
    // STANDARD is whichever day and time.
    expect(await codes(await listingOf(RateType.STANDARD), "2026-04-11T09:00:00Z", { recurrence: "FREQ=DAILY;COUNT=7" })).toEqual([]);
  });

  it("refuses a quote and a package item outside the band", async () => {
    const agency = await aProviderMember(api.db, provider);
    const weekend = await listingOf(RateType.WEEKEND);
    const request = await api.data<{ requestQuote: { quoteRequest: { id: string } | null } }>(
      "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }",
      {
        input: {
          clientId: toGlobalId("Client", client.id),
          categoryCode: "PERSONAL_CARE",
          description: "Weekend mornings.",
          unitsPerWeek: 2,
          schedule: "Saturday and Sunday mornings",
          startsOn: "2026-04-06",
          endsOn: "2026-04-30",
          providerIds: [],
        },
      },
      { as: broker },
    );
    const submit = (recurrence: string) =>
      api.data<{ submitQuote: { quote: { visitCount: number } | null; userErrors: Errors } }>(
        "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { visitCount } userErrors { code message field } } }",
        {
          input: {
            requestId: request.requestQuote.quoteRequest!.id,
            listingId: toGlobalId("Listing", weekend.id),
            unitPricePence: 2400,
            startsAt: "2026-04-11T08:00:00Z",
            recurrence,
            validUntil: "2026-03-15T00:00:00Z",
          },
        },
        { as: agency.user },
      );
    const wrong = await submit("FREQ=WEEKLY;BYDAY=SA,MO");
    expect(wrong.submitQuote.userErrors).toEqual([
      expect.objectContaining({ code: "OUTSIDE_TIME_BAND", field: ["input", "startsAt"], message: expect.stringContaining("Monday 2026-04-13") }),
    ]);
    expect((await submit("FREQ=WEEKLY;BYDAY=SA,SU")).submitQuote).toEqual({ quote: { visitCount: 6 }, userErrors: [] });

    const pkg = await api.data<{ createPackage: { package: { id: string } | null } }>(
      "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } userErrors { code } } }",
      { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id) } },
      { as: broker },
    );
    const item = await api.data<{ addPackageItem: { userErrors: Errors } }>(
      "mutation ($input: AddPackageItemInput!) { addPackageItem(input: $input) { package { id } userErrors { code message field } } }",
      {
        input: {
          packageId: pkg.createPackage.package!.id,
          listingId: toGlobalId("Listing", weekend.id),
          startsAt: "2026-04-07T09:00:00Z",
          recurrence: "FREQ=WEEKLY",
          endsOn: "2026-04-30",
        },
      },
      { as: broker },
    );
    expect(item.addPackageItem.userErrors.map((e) => e.code)).toEqual(["OUTSIDE_TIME_BAND"]);
  });
});
