import { CqcRating, ProviderKind } from "../../src/modules/providers";
import { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { Role } from "../../src/shared/auth";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { anAdmin, aListing, aProvider, aProviderMember, aUser, LEICESTERSHIRE, MERTON } from "../support/factories";

type Payload = { provider: Record<string, unknown> | null; userErrors: { code: string; message: string; field: string[] | null }[] };

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterProviderInput!) {
    registerProvider(input: $input) {
      provider { id name kind cqcLocationId cqcRating postcodeDistricts verified serviceAreas { code } }
      userErrors { code message field }
    }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateProviderInput!) {
    updateProvider(input: $input) {
      provider { name description cqcLocationId cqcRating postcodeDistricts serviceAreas { code } }
      userErrors { code message field }
    }
  }
`;

describe("providers", () => {
  const api = useApi();
  const fieldsOf = (payload: Payload) => payload.userErrors.map((e) => [e.code, e.field]);

  describe("registerProvider", () => {
    const input = {
      name: "Wimbledon Home Care",
      kind: "HOME_CARE_AGENCY",
      cqcLocationId: "1-101672419",
      cqcRating: "GOOD",
      serviceAreaCodes: [MERTON],
      postcodeDistricts: ["sw19", " CR4 ", "SW19"],
    };

    it("creates the provider and makes the caller its member", async () => {
      const user = await aUser(api.db, { roles: [] });
      const { registerProvider } = await api.data<{ registerProvider: Payload }>(REGISTER, { input }, { as: user });
      expect(registerProvider).toEqual({
        provider: {
          id: expect.any(String),
          name: "Wimbledon Home Care",
          kind: "HOME_CARE_AGENCY",
          cqcLocationId: "1-101672419",
          cqcRating: "GOOD",
          postcodeDistricts: ["SW19", "CR4"],
          verified: false,
          serviceAreas: [{ code: MERTON }],
        },
        userErrors: [],
      });
      const member = await api.db.query("SELECT roles, provider_id FROM users WHERE id = $1", [user.id]);
      expect(member).toEqual([{ roles: "{PROVIDER}", provider_id: expect.any(String) }]);
      expect(toGlobalId("Provider", member[0].provider_id)).toBe(registerProvider.provider!.id);
    });

    it("refuses a second provider for the same member, even when asked many times at once", async () => {
      const user = await aUser(api.db, { roles: [] });
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.data<{ registerProvider: Payload }>(REGISTER, { input: { ...input, cqcLocationId: `1-10000000${i}` } }, { as: user }),
        ),
      );
      expect(answers.filter((a) => a.registerProvider.provider).length).toBe(1);
      expect(answers.flatMap((a) => a.registerProvider.userErrors.map((e) => e.code))).toEqual(Array(9).fill("ALREADY_PROVIDER_MEMBER"));
      expect(await api.db.getRepository(ProviderEntity).count()).toBe(1);
    });

    it.each([Role.CLIENT, Role.BROKER, Role.COMMISSIONER])("refuses a %s: nobody is paid from budgets they spend or approve", async (role) => {
      const user = await aUser(api.db, { roles: [role], fundingBodyCode: role === Role.COMMISSIONER ? MERTON : null });
      const { registerProvider } = await api.data<{ registerProvider: Payload }>(REGISTER, { input }, { as: user });
      expect(registerProvider.userErrors.map((e) => e.code)).toEqual(["NOT_PERMITTED"]);
      expect(registerProvider.provider).toBeNull();
      expect(await api.db.query("SELECT roles FROM users WHERE id = $1", [user.id])).toEqual([{ roles: `{${role}}` }]);
    });

    it("names every bad field", async () => {
      const user = await aUser(api.db, { roles: [] });
      const bad = { ...input, cqcLocationId: "CQC-1", serviceAreaCodes: [MERTON, "E99999999"], postcodeDistricts: ["SW19 1AA"] };
      const { registerProvider } = await api.data<{ registerProvider: Payload }>(REGISTER, { input: bad }, { as: user });
      expect(registerProvider.provider).toBeNull();
      expect(fieldsOf(registerProvider)).toEqual([
        ["INVALID_VALUE", ["input", "cqcLocationId"]],
        ["INVALID_VALUE", ["input", "postcodeDistricts", "0"]],
        ["NOT_FOUND", ["input", "serviceAreaCodes", "1"]],
      ]);
      expect(await api.db.getRepository(ProviderEntity).count()).toBe(0);
    });

    it("refuses a CQC location another provider has registered", async () => {
      const other = await aProvider(api.db, { cqcLocationId: "1-101672419" });
      const { registerProvider } = await api.data<{ registerProvider: Payload }>(REGISTER, { input }, { as: await aUser(api.db, { roles: [] }) });
      expect(registerProvider.userErrors).toEqual([
        { code: "ALREADY_EXISTS", message: "Another provider has registered this CQC location ID.", field: ["input", "cqcLocationId"] },
      ]);
      expect(other.cqcLocationId).toBe("1-101672419");
    });

    it("needs a signed-in user", async () => {
      const result = await api.execute(REGISTER, { input });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    });
  });

  describe("updateProvider", () => {
    it("changes what is given and keeps the rest", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const input = {
        providerId: toGlobalId("Provider", provider.id),
        description: "Now with night care.",
        postcodeDistricts: ["sm4"],
        serviceAreaCodes: [MERTON, LEICESTERSHIRE],
      };
      const { updateProvider } = await api.data<{ updateProvider: Payload }>(UPDATE, { input }, { as: user });
      expect(updateProvider).toEqual({
        provider: {
          name: provider.name,
          description: "Now with night care.",
          cqcLocationId: provider.cqcLocationId,
          cqcRating: provider.cqcRating,
          postcodeDistricts: ["SM4"],
          serviceAreas: [{ code: MERTON }, { code: LEICESTERSHIRE }],
        },
        userErrors: [],
      });
    });

    it("reads another provider as not found, for its members; admins may edit any", async () => {
      const { user } = await aProviderMember(api.db);
      const other = await aProvider(api.db);
      const input = { providerId: toGlobalId("Provider", other.id), name: "Hijacked" };
      const { updateProvider } = await api.data<{ updateProvider: Payload }>(UPDATE, { input }, { as: user });
      expect(updateProvider).toEqual({
        provider: null,
        userErrors: [
          { code: "NOT_FOUND", message: "The provider was not found. Check the ID, and that you have access to it.", field: ["input", "providerId"] },
        ],
      });
      const byAdmin = await api.data<{ updateProvider: Payload }>(UPDATE, { input }, { as: await anAdmin(api.db) });
      expect(byAdmin.updateProvider.provider).toMatchObject({ name: "Hijacked" });
    });

    it("keeps the CQC registration while regulated listings are active", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const personalCare = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE" });
      const input = { providerId: toGlobalId("Provider", provider.id), cqcLocationId: null };
      const refused = await api.data<{ updateProvider: Payload }>(UPDATE, { input }, { as: user });
      expect(fieldsOf(refused.updateProvider)).toEqual([["CQC_REGISTRATION_REQUIRED", ["input", "cqcLocationId"]]]);

      await api.db.query("UPDATE listings SET active = false WHERE id = $1", [personalCare.id]);
      const allowed = await api.data<{ updateProvider: Payload }>(UPDATE, { input }, { as: user });
      expect(allowed.updateProvider.provider).toMatchObject({ cqcLocationId: null, cqcRating: null });
    });

    it("is for provider members and admins", async () => {
      const provider = await aProvider(api.db);
      const result = await api.execute(
        UPDATE,
        { input: { providerId: toGlobalId("Provider", provider.id), name: "X" } },
        { as: await aUser(api.db, { roles: [Role.BROKER] }) },
      );
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    });
  });

  describe("setProviderVerified", () => {
    const VERIFY = "mutation ($input: SetProviderVerifiedInput!) { setProviderVerified(input: $input) { provider { verified } userErrors { code } } }";

    it("lets an admin record the check", async () => {
      const provider = await aProvider(api.db, { verified: false });
      const data = await api.data(VERIFY, { input: { providerId: toGlobalId("Provider", provider.id), verified: true } }, { as: await anAdmin(api.db) });
      expect(data).toEqual({ setProviderVerified: { provider: { verified: true }, userErrors: [] } });
      const missing = await api.data(VERIFY, { input: { providerId: "nope", verified: true } }, { as: await anAdmin(api.db) });
      expect(missing).toEqual({ setProviderVerified: { provider: null, userErrors: [{ code: "NOT_FOUND" }] } });
    });

    it("is not for providers themselves", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const result = await api.execute(VERIFY, { input: { providerId: toGlobalId("Provider", provider.id), verified: true } }, { as: user });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    });
  });

  describe("search", () => {
    const SEARCH = /* GraphQL */ `
      query ($filter: ProviderFilter, $first: Int, $after: String) {
        providers(filter: $filter, first: $first, after: $after) {
          totalCount
          edges { cursor node { name } }
          pageInfo { hasNextPage endCursor }
        }
      }
    `;
    type Page = { providers: { totalCount: number; edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const names = (page: Page) => page.providers.edges.map((e) => e.node.name);

    it("filters by kind, area, district, rating, name and verification", async () => {
      await aProvider(api.db, { name: "Alpha Care", cqcRating: CqcRating.OUTSTANDING });
      await aProvider(api.db, { name: "Beta Care", cqcRating: CqcRating.REQUIRES_IMPROVEMENT, postcodeDistricts: ["CR4"], verified: false });
      await aProvider(api.db, {
        name: "Gamma Gardens",
        kind: ProviderKind.BUSINESS,
        cqcLocationId: null,
        cqcRating: null,
        serviceAreas: [LEICESTERSHIRE],
        postcodeDistricts: ["LE1"],
      });
      const search = async (filter: object) => names(await api.data<Page>(SEARCH, { filter }));
      expect(await search({})).toEqual(["Alpha Care", "Beta Care", "Gamma Gardens"]);
      expect(await search({ kinds: ["BUSINESS"] })).toEqual(["Gamma Gardens"]);
      expect(await search({ fundingBodyCode: MERTON })).toEqual(["Alpha Care", "Beta Care"]);
      expect(await search({ postcodeDistrict: "cr4" })).toEqual(["Beta Care"]);
      expect(await search({ minCqcRating: "GOOD" })).toEqual(["Alpha Care"]);
      expect(await search({ text: "gardens" })).toEqual(["Gamma Gardens"]);
      expect(await search({ verified: false })).toEqual(["Beta Care"]);
    });

    it("pages by name with cursors and counts all matches", async () => {
      for (const name of ["Delta", "Alpha", "Charlie", "Bravo", "Echo"]) await aProvider(api.db, { name });
      const first = await api.data<Page>(SEARCH, { first: 2 });
      expect(names(first)).toEqual(["Alpha", "Bravo"]);
      expect(first.providers).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
      const second = await api.data<Page>(SEARCH, { first: 2, after: first.providers.pageInfo.endCursor });
      expect(names(second)).toEqual(["Charlie", "Delta"]);
      const last = await api.data<Page>(SEARCH, { first: 2, after: second.providers.pageInfo.endCursor });
      expect(names(last)).toEqual(["Echo"]);
      expect(last.providers.pageInfo.hasNextPage).toBe(false);
    });
  });

  describe("a provider's listings", () => {
    const LISTINGS = /* GraphQL */ `
      query ($id: ID!, $first: Int, $after: String, $inactive: Boolean) {
        provider(id: $id) { listings(first: $first, after: $after, includeInactive: $inactive) { totalCount nodes { title active } pageInfo { hasNextPage endCursor } } }
      }
    `;

    it("are newest first, active ones for everyone and withdrawn ones for the provider's members", async () => {
      const { user, provider } = await aProviderMember(api.db);
      await aListing(api.db, provider, { title: "Oldest" });
      await aListing(api.db, provider, { title: "Withdrawn", active: false });
      await aListing(api.db, provider, { title: "Newest" });
      const id = toGlobalId("Provider", provider.id);
      const titles = async (as: typeof user | null) => {
        const data = await api.data<{ provider: { listings: { totalCount: number; nodes: { title: string }[] } } }>(LISTINGS, { id, inactive: true }, { as });
        return [data.provider.listings.totalCount, data.provider.listings.nodes.map((n) => n.title)];
      };
      expect(await titles(null)).toEqual([2, ["Newest", "Oldest"]]);
      expect(await titles((await aProviderMember(api.db)).user)).toEqual([2, ["Newest", "Oldest"]]);
      expect(await titles(user)).toEqual([3, ["Newest", "Withdrawn", "Oldest"]]);
    });

    it("page with cursors", async () => {
      const provider = await aProvider(api.db);
      for (const title of ["A", "B", "C"]) await aListing(api.db, provider, { title });
      const id = toGlobalId("Provider", provider.id);
      type Data = { provider: { listings: { nodes: { title: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } } };
      const first = await api.data<Data>(LISTINGS, { id, first: 2 });
      expect(first.provider.listings.nodes.map((n) => n.title)).toEqual(["C", "B"]);
      const rest = await api.data<Data>(LISTINGS, { id, first: 2, after: first.provider.listings.pageInfo.endCursor });
      expect(rest.provider.listings).toMatchObject({ nodes: [{ title: "A" }], pageInfo: { hasNextPage: false } });
    });

    it("read an ID of another type as no provider", async () => {
      const provider = await aProvider(api.db);
      const listing = await aListing(api.db, provider);
      expect(await api.data(LISTINGS, { id: toGlobalId("Listing", listing.id) })).toEqual({ provider: null });
    });
  });
});
