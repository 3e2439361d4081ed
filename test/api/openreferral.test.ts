/**
 * The Open Referral UK feed, validated against the ORUK JSON schemas (test/fixtures/oruk) with ajv:
 * awkward values (no description, VISIT units, remote listings, Welsh names, emoji), only active
 * listings of verified providers, ORUK's query parameters, caching headers, one statement per page.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ValidateFunction } from "ajv";
import { loadDemoData } from "../../src/demo/demo-data";
import { ListingSetting } from "../../src/modules/listings";
import { termIdOf } from "../../src/modules/listings/openreferral.rules";
import { CATEGORIES_TTL_MS, OpenReferralService } from "../../src/modules/listings/openreferral.service";
import { Unit } from "../../src/modules/reference";
import { toGlobalId, uuidOf } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { errorsOf, SERVICE, SERVICE_AT_LOCATION_LIST, SERVICE_LIST, TAXONOMY, TAXONOMY_TERM } from "../support/oruk";
import { anAdmin, aListing, aProvider, aProviderMember } from "../support/factories";

const PAGE_KEYS = ["contents", "empty", "first_page", "last_page", "page_number", "size", "total_items", "total_pages"];

interface Page<T> {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  contents: T[];
}

describe("the Open Referral UK feed", () => {
  const api = useApi();
  let url: string;
  let server: Server;
  beforeAll(async () => {
    server = createServer(api.app.express);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openreferral`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = async <T>(route: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}${route}`, { headers });
    return { status: response.status, headers: response.headers, body: response.status === 304 ? null : ((await response.json()) as T) };
  };

  /** Every page of a list, each page's items validated. */
  async function validateAll(route: string, validate: ValidateFunction, perPage = 100): Promise<{ ids: string[]; errors: string[] }> {
    const ids: string[] = [];
    const errors: string[] = [];
    for (let page = 1; ; page++) {
      const { body } = await get<Page<{ id: string }>>(`${route}${route.includes("?") ? "&" : "?"}page=${page}&per_page=${perPage}`);
      expect(Object.keys(body!).sort()).toEqual(PAGE_KEYS);
      for (const item of body!.contents) errors.push(...errorsOf(validate, item).map((e) => `${item.id}${e}`));
      ids.push(...body!.contents.map((c) => c.id));
      if (page >= body!.total_pages) return { ids, errors };
    }
  }

  async function awkwardCatalogue() {
    const welsh = await aProvider(api.db, {
      name: "Gofal Cartref Caerdydd 🌼",
      description: "",
      serviceAreas: ["E09000024"],
      postcodeDistricts: ["SW19", "CR4"],
    });
    const unverified = await aProvider(api.db, { verified: false });
    const listings = [
      await aListing(api.db, welsh, { title: "Ymweliad gofal 💙", description: "", unit: Unit.VISIT, visitMinutes: 45, categoryCode: "PERSONAL_CARE" }),
      await aListing(api.db, welsh, {
        title: "Online befriending",
        setting: ListingSetting.REMOTE,
        categoryCode: "SOCIAL_LEISURE",
        unit: Unit.SESSION,
        visitMinutes: 60,
      }),
      await aListing(api.db, welsh, {
        title: "Gardening",
        categoryCode: "GARDENING",
        availableDays: ["SA", "SU"] as never,
        availableFrom: "09:00",
        availableTo: "24:00",
      }),
    ];
    const inactive = await aListing(api.db, welsh, { active: false });
    const hidden = await aListing(api.db, unverified, { title: "Hidden" });
    return { welsh, listings, inactive, hidden };
  }

  it("answers every endpoint valid against the ORUK schemas, with only active listings of verified providers", async () => {
    const { listings, inactive, hidden } = await awkwardCatalogue();
    const root = await get<Record<string, string>>("/");
    expect(root.body).toMatchObject({ version: "3.0", profile: "https://github.com/openreferral/uk-profile" });

    const services = await validateAll("/services", SERVICE_LIST);
    expect(services.errors).toEqual([]);
    expect(services.ids.sort()).toEqual(listings.map((l) => l.id).sort());
    for (const listing of listings) {
      const { body } = await get(`/services/${listing.id}`);
      expect(errorsOf(SERVICE, body)).toEqual([]);
    }
    const visit = (
      await get<{ cost_options: { amount: number; amount_description: string }[]; schedules: { byday: string; closes_at: string }[] }>(
        `/services/${listings[0].id}`,
      )
    ).body!;
    expect(visit.cost_options[0]).toMatchObject({ amount: listings[0].pricePence / 100, amount_description: "per 45-minute visit, standard rate" });
    const weekend = (await get<{ schedules: { byday: string; opens_at: string; closes_at: string; freq: string }[] }>(`/services/${listings[2].id}`)).body!;
    expect(weekend.schedules[0]).toMatchObject({ freq: "WEEKLY", byday: "SA,SU", opens_at: "09:00", closes_at: "23:59" });
    for (const id of [inactive.id, hidden.id, "not-a-uuid"]) expect((await get(`/services/${id}`)).status).toBe(404);

    expect((await validateAll("/service_at_locations", SERVICE_AT_LOCATION_LIST)).errors).toEqual([]);
    expect((await validateAll("/taxonomies", TAXONOMY)).errors).toEqual([]);
    const terms = await validateAll("/taxonomy_terms", TAXONOMY_TERM);
    expect(terms.errors).toEqual([]);
    expect(terms.ids).toContain(termIdOf("GARDENING"));
  });

  it("takes ORUK's query parameters", async () => {
    const { listings } = await awkwardCatalogue();
    const ids = async (query: string) => (await get<Page<{ id: string }>>(`/services?${query}`)).body!.contents.map((c) => c.id);
    expect(await ids(`taxonomy_term_id=${termIdOf("GARDENING")}`)).toEqual([listings[2].id]);
    expect(await ids("text=befriending")).toEqual([listings[1].id]);
    expect((await ids("postcode=LE1%201AA")).sort()).toEqual([listings[1].id]);
    expect((await ids("postcode=CR4 2JA")).length).toBe(3);
    const second = (await get<Page<{ id: string }>>("/services?per_page=2&page=2")).body!;
    expect(second).toMatchObject({ total_items: 3, total_pages: 2, page_number: 2, size: 1, first_page: false, last_page: true });
    const beyond = (await get<Page<{ id: string }>>("/services?per_page=2&page=9")).body!;
    expect(beyond).toMatchObject({ total_items: 3, size: 0, empty: true });
    expect((await get("/services?page=0")).status).toBe(400);
    expect((await get("/services?per_page=100000")).status).toBe(400);
  });

  it("is open, cacheable and costs one statement per page whatever its size", async () => {
    await awkwardCatalogue();
    const first = await get("/services");
    expect(first.headers.get("access-control-allow-origin")).toBe("*");
    expect(first.headers.get("cache-control")).toBe("public, max-age=300");
    const etag = first.headers.get("etag")!;
    expect((await get("/services", { "if-none-match": etag })).status).toBe(304);
    for (const perPage of [1, 3, 500]) {
      const { statements } = await api.sql.during(() => get(`/services?per_page=${perPage}`));
      expect(statements.filter((s) => !/service_categories ORDER BY sort_order/.test(s))).toHaveLength(1);
    }
  });

  it("keeps the unfiltered total exact as listings are created, withdrawn, moved and deleted and providers unverified", async () => {
    const CREATE = "mutation ($input: CreateListingInput!) { createListing(input: $input) { listing { id } userErrors { code } } }";
    const ACTIVE = "mutation ($input: SetListingActiveInput!) { setListingActive(input: $input) { userErrors { code } } }";
    const VERIFIED = "mutation ($input: SetProviderVerifiedInput!) { setProviderVerified(input: $input) { userErrors { code } } }";
    const admin = await anAdmin(api.db);
    // The maintained total must agree with a count of the feed itself, filtered or not.
    const expectTotal = async (expected: number) => {
      const { body } = await get<Page<{ id: string }>>("/services?per_page=1");
      const shown = await api.db.query<{ id: string }[]>(
        "SELECT l.id FROM listings l JOIN providers p ON p.id = l.provider_id WHERE l.active AND p.verified ORDER BY l.provider_id, l.id",
      );
      const counted = [{ n: shown.length }];
      // Pages of 2 (each starting from the counts, across providers' boundaries) give every shown listing once, in order.
      const paged: string[] = [];
      for (let page = 1; page <= Math.ceil(expected / 2); page++) {
        paged.push(...(await get<Page<{ id: string }>>(`/services?per_page=2&page=${page}`)).body!.contents.map((c) => c.id));
      }
      expect(paged).toEqual(shown.map((l) => l.id));
      expect({ total: body!.total_items, pages: body!.total_pages, counted: counted[0].n }).toEqual({
        total: expected,
        pages: Math.max(1, expected),
        counted: expected,
      });
    };
    await expectTotal(0);
    const { listings, hidden } = await awkwardCatalogue();
    await expectTotal(3);

    const { user, provider } = await aProviderMember(api.db);
    const input = { categoryCode: "PERSONAL_CARE", title: "Care visit", unit: "VISIT", visitMinutes: 45, pricePence: 1650, setting: "HOME" };
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { createListing } = await api.data<{ createListing: { listing: { id: string }; userErrors: unknown[] } }>(CREATE, { input }, { as: user });
      expect(createListing.userErrors).toEqual([]);
      created.push(createListing.listing.id);
    }
    await expectTotal(6);

    const setActive = (listingId: string, active: boolean) => api.data(ACTIVE, { input: { listingId, active } }, { as: user });
    await setActive(created[0], false);
    await expectTotal(5);
    await setActive(created[0], false);
    await expectTotal(5);
    await setActive(created[0], true);
    await expectTotal(6);

    const setVerified = (providerId: string, verified: boolean) =>
      api.data(VERIFIED, { input: { providerId: toGlobalId("Provider", providerId), verified } }, { as: admin });
    await setVerified(provider.id, false);
    await expectTotal(3);
    await setActive(created[1], false);
    await expectTotal(3);
    await setVerified(provider.id, true);
    await expectTotal(5);
    await setVerified(hidden.providerId, true);
    await expectTotal(6);

    // Writes no mutation makes today still keep it: a listing moved between providers, deletes, a bulk update.
    await api.db.query("UPDATE listings SET provider_id = $1 WHERE id = $2", [hidden.providerId, listings[0].id]);
    await expectTotal(6);
    await api.db.query("UPDATE providers SET verified = false WHERE id = $1", [hidden.providerId]);
    await expectTotal(4);
    await api.db.query("DELETE FROM listings WHERE id = ANY($1::uuid[])", [[uuidOf(created[0], "Listing"), uuidOf(created[1], "Listing")]]);
    await expectTotal(3);
    // Every listing flips: of the verified providers' listings only the inactive one becomes active.
    await api.db.query("UPDATE listings SET active = NOT active");
    await expectTotal(1);
    // A change rolled back leaves the count as it was.
    const rolledBack = api.db.transaction(async (tx) => {
      await tx.query("UPDATE listings SET active = true");
      throw new Error("rolled back");
    });
    await expect(rolledBack).rejects.toThrow("rolled back");
    await expectTotal(1);
  });

  it("keeps the total exact under concurrent writes of one provider and of several", async () => {
    const CREATE = "mutation ($input: CreateListingInput!) { createListing(input: $input) { listing { id } userErrors { code } } }";
    const ACTIVE = "mutation ($input: SetListingActiveInput!) { setListingActive(input: $input) { userErrors { code } } }";
    const input = { categoryCode: "PERSONAL_CARE", title: "Care visit", unit: "VISIT", visitMinutes: 45, pricePence: 1650, setting: "HOME" };
    const members = [await aProviderMember(api.db), await aProviderMember(api.db), await aProviderMember(api.db)];
    // Each provider's first listings race to insert its counts row; then withdrawals race with creations.
    const created = await Promise.all(
      members.flatMap(({ user }) => Array.from({ length: 6 }, () => api.data<{ createListing: { listing: { id: string } } }>(CREATE, { input }, { as: user }))),
    );
    await Promise.all([
      ...created
        .filter((_, i) => i % 2 === 0)
        .map(({ createListing }, i) =>
          api.data(ACTIVE, { input: { listingId: createListing.listing.id, active: false } }, { as: members[Math.floor((i * 2) / 6)].user }),
        ),
      ...members.map(({ user }) => api.data(CREATE, { input }, { as: user })),
    ]);
    const [{ n }] = await api.db.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM listings l JOIN providers p ON p.id = l.provider_id WHERE l.active AND p.verified",
    );
    expect(n).toBe(3 * 6 - 9 + 3);
    expect((await get<Page<{ id: string }>>("/services?per_page=1")).body!.total_items).toBe(n);
  });

  it("validates for the demo data", async () => {
    await loadDemoData(api.app, api.clock);
    const services = await validateAll("/services", SERVICE_LIST, 500);
    expect(services.errors).toEqual([]);
    expect(services.ids.length).toBeGreaterThan(50);
    const errors: string[] = [];
    for (const id of services.ids.slice(0, 40)) errors.push(...errorsOf(SERVICE, (await get(`/services/${id}`)).body));
    expect(errors).toEqual([]);
  });

  it("reads the taxonomy again after CATEGORIES_TTL_MS: a category renamed elsewhere reaches every process's feed", async () => {
    let now = 0;
    const feed = new OpenReferralService(api.db, () => now);
    const nameOf = async () => (await feed.taxonomyTerms(1, 100)).contents.find((t) => t.term === "GARDENING")?.name;
    const before = await nameOf();
    expect(before).toEqual(expect.any(String));
    try {
      // As another process, or the next release's migration, would.
      await api.db.query("UPDATE service_categories SET name = 'Gardens and grounds' WHERE code = 'GARDENING'");
      now += CATEGORIES_TTL_MS - 1;
      expect(await nameOf()).toBe(before);
      now += 1;
      expect(await nameOf()).toBe("Gardens and grounds");
    } finally {
      await api.db.query("UPDATE service_categories SET name = $1 WHERE code = 'GARDENING'", [before]);
    }
  });
});
