import { ListingSetting } from "../../src/modules/listings";
import { ListingEntity } from "../../src/modules/listings/listing.entity";
import { CqcRating, ProviderKind } from "../../src/modules/providers";
import { Unit } from "../../src/modules/reference";
import { Role } from "../../src/shared/auth";
import { toGlobalId } from "../../src/shared/ids";
import { encodeCursor } from "../../src/shared/pagination";
import { useApi } from "../support/api";
import { anAdmin, aListing, aProvider, aProviderMember, aUser, LEICESTERSHIRE, MERTON } from "../support/factories";

type Payload = { listing: Record<string, unknown> | null; userErrors: { code: string; message: string; field: string[] | null }[] };

const CREATE = /* GraphQL */ `
  mutation ($input: CreateListingInput!) {
    createListing(input: $input) {
      listing { id title unit visitMinutes pricePence setting groupCapacity active rateType category { code } provider { name } }
      userErrors { code message field }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateListingInput!) {
    updateListing(input: $input) { listing { title pricePence category { code } } userErrors { code message field } }
  }
`;
const SET_ACTIVE = /* GraphQL */ `
  mutation ($input: SetListingActiveInput!) {
    setListingActive(input: $input) { listing { active } userErrors { code message field } }
  }
`;

const codesAndFields = (payload: Payload) => payload.userErrors.map((e) => [e.code, e.field]);

describe("listings", () => {
  const api = useApi();

  describe("createListing", () => {
    const input = { categoryCode: "PERSONAL_CARE", title: "45-minute care visit", unit: "VISIT", visitMinutes: 45, pricePence: 1650, setting: "HOME" };

    it("lists a service of the member's own provider", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const { createListing } = await api.data<{ createListing: Payload }>(CREATE, { input }, { as: user });
      expect(createListing).toEqual({
        listing: {
          id: expect.any(String),
          title: "45-minute care visit",
          unit: "VISIT",
          visitMinutes: 45,
          pricePence: 1650,
          setting: "HOME",
          groupCapacity: 1,
          active: true,
          rateType: "STANDARD",
          category: { code: "PERSONAL_CARE" },
          provider: { name: provider.name },
        },
        userErrors: [],
      });
    });

    it("refuses a regulated service from a provider without a CQC registration (Health and Social Care Act 2008)", async () => {
      const provider = await aProvider(api.db, { kind: ProviderKind.PERSONAL_ASSISTANT, cqcLocationId: null, cqcRating: null });
      const { user } = await aProviderMember(api.db, provider);
      const { createListing } = await api.data<{ createListing: Payload }>(CREATE, { input }, { as: user });
      expect(createListing).toEqual({
        listing: null,
        userErrors: [
          {
            code: "CQC_REGISTRATION_REQUIRED",
            message: "Personal care at home is regulated by the Care Quality Commission: add the provider's CQC location ID (updateProvider) first.",
            field: ["input", "categoryCode"],
          },
        ],
      });
      const unregulated = await api.data<{ createListing: Payload }>(
        CREATE,
        { input: { ...input, categoryCode: "PA_SUPPORT", unit: "HOUR", visitMinutes: null } },
        { as: user },
      );
      expect(unregulated.createListing.userErrors).toEqual([]);
    });

    it("states when and how much the provider can supply, for planning; updates change only what is given", async () => {
      const { user } = await aProviderMember(api.db);
      const AVAILABILITY = "listing { id availableDays availableFrom availableTo weeklyCapacityUnits } userErrors { code field }";
      const created = await api.data<{ createListing: Payload }>(
        `mutation ($input: CreateListingInput!) { createListing(input: $input) { ${AVAILABILITY} } }`,
        { input },
        { as: user },
      );
      expect(created.createListing.listing).toMatchObject({
        availableDays: ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
        availableFrom: "00:00",
        availableTo: "24:00",
        weeklyCapacityUnits: null,
      });
      const update = (change: Record<string, unknown>) =>
        api.execute<{ updateListing: Payload }>(
          `mutation ($input: UpdateListingInput!) { updateListing(input: $input) { ${AVAILABILITY} } }`,
          { input: { listingId: created.createListing.listing!.id, ...change } },
          { as: user },
        );
      const weekdays = await update({ availableDays: ["MO", "TU", "MO"], availableFrom: "08:00", availableTo: "18:00", weeklyCapacityUnits: 30 });
      expect(weekdays.data?.updateListing.listing).toMatchObject({
        availableDays: ["MO", "TU"],
        availableFrom: "08:00",
        availableTo: "18:00",
        weeklyCapacityUnits: 30,
      });
      const read = await api.data<{ listing: unknown }>("query ($id: ID!) { listing(id: $id) { availableDays availableFrom } }", {
        id: created.createListing.listing!.id,
      });
      expect(read.listing).toEqual({ availableDays: ["MO", "TU"], availableFrom: "08:00" });
      const found = await api.data<{ listings: { nodes: unknown[] } }>("{ listings(first: 5) { nodes { availableDays availableTo } } }");
      expect(found.listings.nodes).toEqual([{ availableDays: ["MO", "TU"], availableTo: "18:00" }]);
      expect((await update({ availableTo: "07:00" })).data?.updateListing.userErrors).toEqual([{ code: "INVALID_VALUE", field: ["input", "availableTo"] }]);
      expect((await update({ availableFrom: "8am" })).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect((await update({ weeklyCapacityUnits: -1 })).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("names every bad term", async () => {
      const { user } = await aProviderMember(api.db);
      const bad = { ...input, visitMinutes: null, pricePence: 0, groupCapacity: 4 };
      const { createListing } = await api.data<{ createListing: Payload }>(CREATE, { input: bad }, { as: user });
      expect(codesAndFields(createListing)).toEqual([
        ["INVALID_VALUE", ["input", "pricePence"]],
        ["INVALID_VALUE", ["input", "visitMinutes"]],
        ["INVALID_VALUE", ["input", "groupCapacity"]],
      ]);
      const unknown = await api.data<{ createListing: Payload }>(CREATE, { input: { ...input, categoryCode: "ASTROLOGY" } }, { as: user });
      expect(codesAndFields(unknown.createListing)).toEqual([["NOT_FOUND", ["input", "categoryCode"]]]);
      expect(await api.db.getRepository(ListingEntity).count()).toBe(0);
    });

    it("lists only for the member's own provider; admins name the provider", async () => {
      const { user } = await aProviderMember(api.db);
      const other = await aProvider(api.db);
      const forOther = await api.data<{ createListing: Payload }>(CREATE, { input: { ...input, providerId: toGlobalId("Provider", other.id) } }, { as: user });
      expect(codesAndFields(forOther.createListing)).toEqual([["NOT_FOUND", ["input", "providerId"]]]);
      const admin = await anAdmin(api.db);
      const withoutProvider = await api.data<{ createListing: Payload }>(CREATE, { input }, { as: admin });
      expect(codesAndFields(withoutProvider.createListing)).toEqual([["NOT_FOUND", ["input", "providerId"]]]);
      const byAdmin = await api.data<{ createListing: Payload }>(CREATE, { input: { ...input, providerId: toGlobalId("Provider", other.id) } }, { as: admin });
      expect(byAdmin.createListing.listing).toMatchObject({ provider: { name: other.name } });
    });

    it("is for provider members and admins", async () => {
      for (const role of [Role.CLIENT, Role.BROKER, Role.COMMISSIONER]) {
        const result = await api.execute(CREATE, { input }, { as: await aUser(api.db, { roles: [role] }) });
        expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
      }
      expect((await api.execute(CREATE, { input })).errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    });
  });

  describe("updateListing and setListingActive", () => {
    it("change what is given and keep the rest", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const listing = await aListing(api.db, provider, { title: "Home care", pricePence: 2400 });
      const { updateListing } = await api.data<{ updateListing: Payload }>(
        UPDATE,
        { input: { listingId: toGlobalId("Listing", listing.id), pricePence: 2550 } },
        { as: user },
      );
      expect(updateListing).toEqual({ listing: { title: "Home care", pricePence: 2550, category: { code: "PERSONAL_CARE" } }, userErrors: [] });
    });

    it("read another provider's listing, or an ID of another type, as not found", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const theirs = await aListing(api.db, await aProvider(api.db));
      for (const listingId of [toGlobalId("Listing", theirs.id), toGlobalId("Provider", provider.id), "garbage"]) {
        const { updateListing } = await api.data<{ updateListing: Payload }>(UPDATE, { input: { listingId, title: "Mine now" } }, { as: user });
        expect(codesAndFields(updateListing)).toEqual([["NOT_FOUND", ["input", "listingId"]]]);
        const { setListingActive } = await api.data<{ setListingActive: Payload }>(SET_ACTIVE, { input: { listingId, active: false } }, { as: user });
        expect(codesAndFields(setListingActive)).toEqual([["NOT_FOUND", ["input", "listingId"]]]);
      }
    });

    it("keep regulated services for registered providers", async () => {
      const provider = await aProvider(api.db, { cqcLocationId: null, cqcRating: null, kind: ProviderKind.PERSONAL_ASSISTANT });
      const { user } = await aProviderMember(api.db, provider);
      const listing = await aListing(api.db, provider, { categoryCode: "PA_SUPPORT" });
      const listingId = toGlobalId("Listing", listing.id);
      const { updateListing } = await api.data<{ updateListing: Payload }>(UPDATE, { input: { listingId, categoryCode: "NIGHT_CARE" } }, { as: user });
      expect(codesAndFields(updateListing)).toEqual([["CQC_REGISTRATION_REQUIRED", ["input", "categoryCode"]]]);

      // A regulated listing left over from a registration since removed cannot come back on.
      const leftOver = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", active: false });
      const { setListingActive } = await api.data<{ setListingActive: Payload }>(
        SET_ACTIVE,
        { input: { listingId: toGlobalId("Listing", leftOver.id), active: true } },
        { as: user },
      );
      expect(codesAndFields(setListingActive)).toEqual([["CQC_REGISTRATION_REQUIRED", ["input", "categoryCode"]]]);
    });

    it("withdraw a listing from search and from strangers, not from its provider", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const listing = await aListing(api.db, provider);
      const listingId = toGlobalId("Listing", listing.id);
      const { setListingActive } = await api.data<{ setListingActive: Payload }>(SET_ACTIVE, { input: { listingId, active: false } }, { as: user });
      expect(setListingActive).toEqual({ listing: { active: false }, userErrors: [] });
      const query = "query ($id: ID!) { listing(id: $id) { active } node(id: $id) { id } listings { totalCount } }";
      expect(await api.data(query, { id: listingId })).toEqual({ listing: null, node: null, listings: { totalCount: 0 } });
      expect(await api.data(query, { id: listingId }, { as: user })).toEqual({
        listing: { active: false },
        node: { id: listingId },
        listings: { totalCount: 0 },
      });
    });
  });

  describe("search", () => {
    const SEARCH = /* GraphQL */ `
      query ($filter: ListingFilter, $orderBy: ListingOrder, $first: Int, $after: String) {
        listings(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
          totalCount
          edges { cursor node { title pricePence } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }
    `;
    type Page = {
      listings: {
        totalCount: number;
        edges: { cursor: string; node: { title: string; pricePence: number } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const titles = (page: Page) => page.listings.edges.map((e) => e.node.title);
    const search = async (variables: Record<string, unknown>) => titles(await api.data<Page>(SEARCH, variables));

    it("applies every filter", async () => {
      const agency = await aProvider(api.db, { name: "Agency", cqcRating: CqcRating.OUTSTANDING, postcodeDistricts: ["SW19"] });
      const pa = await aProvider(api.db, {
        name: "PA",
        kind: ProviderKind.PERSONAL_ASSISTANT,
        cqcLocationId: null,
        cqcRating: null,
        postcodeDistricts: ["CR4"],
      });
      const leics = await aProvider(api.db, {
        name: "Leics",
        serviceAreas: [LEICESTERSHIRE],
        postcodeDistricts: ["LE1"],
        cqcRating: CqcRating.REQUIRES_IMPROVEMENT,
      });
      await aListing(api.db, agency, { title: "Morning personal care", pricePence: 2600 });
      await aListing(api.db, pa, { title: "PA support", categoryCode: "PA_SUPPORT", pricePence: 1500 });
      await aListing(api.db, pa, {
        title: "Befriending calls",
        categoryCode: "SOCIAL_LEISURE",
        unit: Unit.SESSION,
        setting: ListingSetting.REMOTE,
        pricePence: 500,
      });
      await aListing(api.db, leics, { title: "Leicester personal care", pricePence: 2200 });

      expect(await search({})).toEqual(["Befriending calls", "PA support", "Leicester personal care", "Morning personal care"]);
      expect(await search({ filter: { categoryCodes: ["PERSONAL_CARE"] } })).toEqual(["Leicester personal care", "Morning personal care"]);
      expect(await search({ filter: { fundingBodyCode: MERTON } })).toEqual(["Befriending calls", "PA support", "Morning personal care"]);
      expect(await search({ filter: { fundingBodyCode: LEICESTERSHIRE } })).toEqual(["Befriending calls", "Leicester personal care"]);
      expect(await search({ filter: { postcodeDistrict: "cr4" } })).toEqual(["Befriending calls", "PA support"]);
      expect(await search({ filter: { maxPricePence: 1500 } })).toEqual(["Befriending calls", "PA support"]);
      expect(await search({ filter: { settings: ["REMOTE"] } })).toEqual(["Befriending calls"]);
      expect(await search({ filter: { providerKinds: ["PERSONAL_ASSISTANT"] } })).toEqual(["Befriending calls", "PA support"]);
      expect(await search({ filter: { minCqcRating: "GOOD" } })).toEqual(["Morning personal care"]);
      expect(await search({ filter: { text: "morning care" } })).toEqual(["Morning personal care"]);
      expect(await search({ filter: { text: '"personal care" -leicester' } })).toEqual(["Morning personal care"]);
      expect(await search({ filter: { categoryCodes: ["PERSONAL_CARE"], fundingBodyCode: MERTON, minCqcRating: "GOOD", maxPricePence: 2000 } })).toEqual([]);
    });

    it("orders by price either way, or newest first", async () => {
      const provider = await aProvider(api.db);
      for (const [title, pricePence] of [
        ["Middle", 2000],
        ["Cheap", 1500],
        ["Dear", 3000],
      ] as const)
        await aListing(api.db, provider, { title, pricePence });
      expect(await search({ orderBy: "PRICE_ASC" })).toEqual(["Cheap", "Middle", "Dear"]);
      expect(await search({ orderBy: "PRICE_DESC" })).toEqual(["Dear", "Middle", "Cheap"]);
      expect(await search({ orderBy: "NEWEST" })).toEqual(["Dear", "Cheap", "Middle"]);
    });

    it.each(["PRICE_ASC", "PRICE_DESC", "NEWEST"])("pages through every listing once in %s order, ties included", async (orderBy) => {
      const provider = await aProvider(api.db);
      const prices = [1500, 1500, 1500, 2000, 2000, 900, 3000];
      for (const [i, pricePence] of prices.entries()) await aListing(api.db, provider, { title: `L${i}`, pricePence });
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const page: Page = await api.data<Page>(SEARCH, { orderBy, first: 2, after });
        seen.push(...titles(page));
        after = page.listings.pageInfo.endCursor;
        if (!page.listings.pageInfo.hasNextPage) break;
      }
      expect([...seen].sort()).toEqual(prices.map((_, i) => `L${i}`).sort());
      expect(seen).toEqual(await search({ orderBy, first: 100 }));
    });

    it("keeps its place when listings are added or withdrawn between pages", async () => {
      const provider = await aProvider(api.db);
      const listings = [];
      for (const pricePence of [1000, 2000, 3000, 4000]) listings.push(await aListing(api.db, provider, { title: `£${pricePence / 100}`, pricePence }));
      const first = await api.data<Page>(SEARCH, { first: 2 });
      expect(titles(first)).toEqual(["£10", "£20"]);

      await aListing(api.db, provider, { title: "£5 (new, before the cursor)", pricePence: 500 });
      await aListing(api.db, provider, { title: "£25 (new, after the cursor)", pricePence: 2500 });
      await api.db.query("UPDATE listings SET active = false WHERE id = $1", [listings[1].id]); // the cursor's own row

      const second = await api.data<Page>(SEARCH, { first: 10, after: first.listings.pageInfo.endCursor });
      expect(titles(second)).toEqual(["£25 (new, after the cursor)", "£30", "£40"]);
    });

    it("handles the edges of paging", async () => {
      const provider = await aProvider(api.db);
      await aListing(api.db, provider);
      const empty = await api.data<Page>(SEARCH, { first: 0 });
      expect(empty.listings).toMatchObject({ totalCount: 1, edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
      const all = await api.data<Page>(SEARCH, { first: 100 });
      const beyond = await api.data<Page>(SEARCH, { after: all.listings.pageInfo.endCursor });
      expect(beyond.listings).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

      const tooMany = await api.execute(SEARCH, { first: 101 });
      expect(tooMany.errors).toEqual([
        expect.objectContaining({
          message: "Invalid input: first must not be greater than 100.",
          extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }),
        }),
      ]);
      const negative = await api.execute(SEARCH, { first: -1 });
      expect(negative.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");

      for (const after of [encodeCursor("NEWEST", [provider.id]), "not-a-cursor"]) {
        const wrong = await api.execute(SEARCH, { after, orderBy: "PRICE_ASC" });
        expect(wrong.errors).toEqual([
          expect.objectContaining({
            message: "`after` is not a cursor of this list in this order. Start again without `after`.",
            extensions: { code: "BAD_USER_INPUT", field: "after" },
          }),
        ]);
      }
    });

    it("shows only active listings, to everyone without signing in", async () => {
      const provider = await aProvider(api.db);
      await aListing(api.db, provider, { title: "On" });
      await aListing(api.db, provider, { title: "Off", active: false });
      expect(await search({})).toEqual(["On"]);
    });
  });
});
