/**
 * Setting matches where the client lives (issue 10, item 2; DOMAIN.md rule 11): a HOME listing is
 * for a client in their own home, a CARE_HOME listing for a care-home resident (at that home, when
 * a care home offers it), COMMUNITY and REMOTE for whoever; on every path that books, quotes,
 * packages or plans.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { ClientSetting } from "../../src/modules/budgets";
import type { BudgetEntity } from "../../src/modules/budgets/budget.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { ListingSetting } from "../../src/modules/listings";
import type { ListingEntity } from "../../src/modules/listings/listing.entity";
import { ProviderKind } from "../../src/modules/providers";
import type { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { Unit } from "../../src/modules/reference";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBroker, aBudget, aClient, aListing, aProvider, aProviderMember, ledgerMismatches } from "../support/factories";

type Errors = { code: string; message: string; field: string[] | null }[];
const CREATE = "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code message field } } }";

describe("setting matches where the client lives", () => {
  const api = useApi();
  let broker: UserEntity;
  let elmHouse: ProviderEntity;
  let oakHouse: ProviderEntity;
  let atHome: { client: ClientEntity; budget: BudgetEntity };
  let resident: { client: ClientEntity; budget: BudgetEntity };
  let listings: Record<"homeCare" | "elmActivity" | "oakActivity" | "visitingPhysio" | "club" | "online", ListingEntity>;

  beforeEach(async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    broker = await aBroker(api.db);
    elmHouse = await aProvider(api.db, { kind: ProviderKind.CARE_HOME, name: "Elm House" });
    oakHouse = await aProvider(api.db, { kind: ProviderKind.CARE_HOME, name: "Oak House" });
    const therapist = await aProvider(api.db, { kind: ProviderKind.BUSINESS, name: "Physio on wheels", cqcLocationId: null, cqcRating: null });
    const homeClient = await aClient(api.db, { displayName: "Hari Home", brokerUserId: broker.id });
    const residentClient = await aClient(api.db, {
      displayName: "Rita Resident",
      setting: ClientSetting.CARE_HOME,
      careHomeId: elmHouse.id,
      brokerUserId: broker.id,
    });
    atHome = { client: homeClient, budget: await aBudget(api.db, homeClient) };
    resident = { client: residentClient, budget: await aBudget(api.db, residentClient) };
    const therapy = { categoryCode: "THERAPY", unit: Unit.SESSION, visitMinutes: 60 };
    listings = {
      homeCare: await aListing(api.db, await aProvider(api.db), { title: "Home care", pricePence: 2400 }),
      elmActivity: await aListing(api.db, elmHouse, { ...therapy, title: "Elm House hand massage", pricePence: 1000, setting: ListingSetting.CARE_HOME }),
      oakActivity: await aListing(api.db, oakHouse, { ...therapy, title: "Oak House hand massage", pricePence: 1000, setting: ListingSetting.CARE_HOME }),
      visitingPhysio: await aListing(api.db, therapist, {
        ...therapy,
        title: "Physio in care homes",
        pricePence: 3000,
        setting: ListingSetting.CARE_HOME,
        groupCapacity: 8,
      }),
      club: await aListing(api.db, therapist, { ...therapy, title: "Chair yoga at the library", pricePence: 800, setting: ListingSetting.COMMUNITY }),
      online: await aListing(api.db, therapist, { ...therapy, title: "Video physio", pricePence: 2000, setting: ListingSetting.REMOTE }),
    };
  });
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  let keys = 0;
  const book = async (who: { budget: BudgetEntity }, listing: ListingEntity) => {
    const input = {
      listingId: toGlobalId("Listing", listing.id),
      budgetId: toGlobalId("Budget", who.budget.id),
      startsAt: "2026-04-07T09:00:00Z",
      idempotencyKey: `set-${++keys}`,
    };
    return (await api.data<{ createBooking: { booking: { id: string } | null; userErrors: Errors } }>(CREATE, { input }, { as: broker })).createBooking;
  };
  const codes = async (who: { budget: BudgetEntity }, listing: ListingEntity) => (await book(who, listing)).userErrors.map((e) => e.code);

  it("books a listing only in the setting where the client lives, and says what to choose instead", async () => {
    const refused = await book(resident, listings.homeCare);
    expect(refused.booking).toBeNull();
    expect(refused.userErrors).toEqual([
      {
        code: "SETTING_MISMATCH",
        field: ["input", "listingId"],
        message: expect.stringMatching(
          /"Home care" is delivered in people's own homes and the client lives in a care home: choose a listing delivered in care homes/,
        ),
      },
    ]);
    const atHomeRefused = await book(atHome, listings.visitingPhysio);
    expect(atHomeRefused.userErrors).toEqual([
      expect.objectContaining({
        code: "SETTING_MISMATCH",
        message: expect.stringContaining("the client lives in their own home: choose a listing delivered at home"),
      }),
    ]);
    expect(await codes(atHome, listings.elmActivity)).toEqual(["SETTING_MISMATCH"]);
    // A care home's own services are for its own residents.
    const otherHome = await book(resident, listings.oakActivity);
    expect(otherHome.userErrors).toEqual([expect.objectContaining({ code: "SETTING_MISMATCH", message: expect.stringContaining("another") })]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM bookings")).toEqual([{ n: 0 }]);
    expect(await api.db.query("SELECT sum(committed_pence)::int AS c FROM budgets")).toEqual([{ c: 0 }]);

    expect(await codes(atHome, listings.homeCare)).toEqual([]);
    expect(await codes(resident, listings.elmActivity)).toEqual([]);
    expect(await codes(resident, listings.visitingPhysio)).toEqual([]);
    for (const who of [atHome, resident]) {
      expect(await codes(who, listings.club)).toEqual([]);
      expect(await codes(who, listings.online)).toEqual([]);
    }
  });

  it("refuses a quote, a package item and a group place in the wrong setting", async () => {
    // A quote: the home-care agency quotes a resident.
    const agency = await aProviderMember(api.db, await aProvider(api.db));
    const agencyListing = await aListing(api.db, agency.provider, { title: "Agency home care" });
    const request = await api.data<{ requestQuote: { quoteRequest: { id: string } | null; userErrors: Errors } }>(
      "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code message field } } }",
      {
        input: {
          clientId: toGlobalId("Client", resident.client.id),
          categoryCode: "PERSONAL_CARE",
          description: "Help with dressing.",
          unitsPerWeek: 1,
          schedule: "Tuesday mornings",
          startsOn: "2026-04-06",
          endsOn: "2026-04-19",
          providerIds: [],
        },
      },
      { as: broker },
    );
    const submit = await api.data<{ submitQuote: { quote: { id: string } | null; userErrors: Errors } }>(
      "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { quote { id } userErrors { code message field } } }",
      {
        input: {
          requestId: request.requestQuote.quoteRequest!.id,
          listingId: toGlobalId("Listing", agencyListing.id),
          unitPricePence: 2200,
          startsAt: "2026-04-07T08:00:00Z",
          recurrence: "FREQ=WEEKLY",
          validUntil: "2026-03-15T00:00:00Z",
        },
      },
      { as: agency.user },
    );
    expect(submit.submitQuote.quote).toBeNull();
    expect(submit.submitQuote.userErrors).toEqual([expect.objectContaining({ code: "SETTING_MISMATCH", field: ["input", "listingId"] })]);

    // A package item: care-home physiotherapy for a client at home.
    const pkg = await api.data<{ createPackage: { package: { id: string } | null } }>(
      "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } userErrors { code } } }",
      { input: { clientId: toGlobalId("Client", atHome.client.id), budgetId: toGlobalId("Budget", atHome.budget.id) } },
      { as: broker },
    );
    const addItem = (listing: ListingEntity) =>
      api.data<{ addPackageItem: { userErrors: Errors } }>(
        "mutation ($input: AddPackageItemInput!) { addPackageItem(input: $input) { package { id } userErrors { code message field } } }",
        {
          input: {
            packageId: pkg.createPackage.package!.id,
            listingId: toGlobalId("Listing", listing.id),
            startsAt: "2026-04-07T09:00:00Z",
            recurrence: "FREQ=WEEKLY",
            endsOn: "2026-04-30",
          },
        },
        { as: broker },
      );
    expect((await addItem(listings.visitingPhysio)).addPackageItem.userErrors.map((e) => e.code)).toEqual(["SETTING_MISMATCH"]);
    expect((await addItem(listings.club)).addPackageItem.userErrors).toEqual([]);

    // A group place: a client at home named in a care-home session.
    const group = await api.data<{ createGroupBooking: { groupBooking: { id: string } | null; userErrors: Errors } }>(
      "mutation ($input: CreateGroupBookingInput!) { createGroupBooking(input: $input) { groupBooking { id } userErrors { code message field } } }",
      {
        input: {
          listingId: toGlobalId("Listing", listings.visitingPhysio.id),
          careHomeId: toGlobalId("Provider", elmHouse.id),
          startsAt: "2026-04-07T14:00:00Z",
          participants: [{ budgetId: toGlobalId("Budget", resident.budget.id) }, { budgetId: toGlobalId("Budget", atHome.budget.id) }],
          idempotencyKey: "group-1",
        },
      },
      { as: broker },
    );
    expect(group.createGroupBooking.userErrors).toEqual([
      expect.objectContaining({
        code: "SETTING_MISMATCH",
        field: ["input", "participants", "1"],
        message: expect.stringMatching(/^Participant 2 \(Hari Home\): /),
      }),
    ]);
  });

  it("plans with listings in the client's setting only, however cheap the others", async () => {
    await api.db.query("UPDATE listings SET active = false WHERE id = ANY($1)", [[listings.club.id, listings.online.id, listings.oakActivity.id]]);
    const homePhysio = await aListing(api.db, await aProvider(api.db), {
      categoryCode: "THERAPY",
      unit: Unit.SESSION,
      visitMinutes: 60,
      title: "Physio at home",
      pricePence: 4000,
    });
    const plan = async (who: { client: ClientEntity; budget: BudgetEntity }) => {
      const answer = await api.data<{ planPackage: { plan: { feasible: boolean; items: { listing: { id: string } }[] } | null; userErrors: Errors } }>(
        `mutation ($input: PlanPackageInput!) { planPackage(input: $input) { plan { feasible items { listing { id } } } userErrors { code message } } }`,
        {
          input: {
            clientId: toGlobalId("Client", who.client.id),
            budgetId: toGlobalId("Budget", who.budget.id),
            needs: [{ categoryCode: "THERAPY", unit: "SESSION", unitsPerWeek: 1 }],
          },
        },
        { as: broker },
      );
      expect(answer.planPackage.userErrors).toEqual([]);
      return answer.planPackage.plan!.items.map((i) => i.listing.id);
    };
    // At home: the home physio (4,000p), not the care homes' cheaper sessions.
    expect(await plan(atHome)).toEqual([toGlobalId("Listing", homePhysio.id)]);
    // At Elm House: its own session (1,000p), not home physiotherapy nor Oak House's.
    expect(await plan(resident)).toEqual([toGlobalId("Listing", listings.elmActivity.id)]);
    await api.db.query("UPDATE listings SET active = false WHERE id = $1", [listings.elmActivity.id]);
    expect(await plan(resident)).toEqual([toGlobalId("Listing", listings.visitingPhysio.id)]);
  });

  it("lets a client at home buy a short stay in a care home", async () => {
    const place = await aListing(api.db, elmHouse, { categoryCode: "RESPITE", unit: Unit.NIGHT, pricePence: 15_000, setting: ListingSetting.CARE_HOME });
    await api.db.query("UPDATE budgets SET covered_categories = covered_categories || '{RESPITE}'::varchar[] WHERE id = $1", [atHome.budget.id]);
    expect(await codes(atHome, place)).toEqual([]);
  });
});
