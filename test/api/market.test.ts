/**
 * An open marketplace, as a new provider meets it: a token for a person the marketplace does not
 * know yet, registerProvider, a listing no one else sees until a commissioner of a funding body it
 * serves verifies the provider; and the CQC register that regulated listings depend on.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SignJWT } from "jose";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { toGlobalId } from "../../src/shared/ids";
import { TEST_JWT_SECRET, useApi } from "../support/api";
import { aBudget, aClientUser, aCommissioner, aListing, anAdmin, aProvider, aProviderMember, LEICESTERSHIRE, MERTON } from "../support/factories";

const REGISTER_CSV = readFileSync(path.join(__dirname, "..", "fixtures", "cqc", "hsca-active-locations.csv"), "utf8");

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Answer<T> {
  data?: T | null;
  errors?: { message: string; extensions: Record<string, unknown> }[];
}

const newcomerToken = (claims: Record<string, unknown>) =>
  new SignJWT({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims }).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(TEST_JWT_SECRET));

const REGISTER = `mutation ($input: RegisterProviderInput!) { registerProvider(input: $input) {
  provider { id name verified verification { verifiedAt } } userErrors { code message field } } }`;
const CREATE_LISTING = `mutation ($input: CreateListingInput!) { createListing(input: $input) { listing { id } userErrors { code message field } } }`;
const VERIFY = `mutation ($input: VerifyProviderInput!) { verifyProvider(input: $input) {
  provider { verified verification { checks by { email } byFundingBody { code } note } } userErrors { code message field } } }`;
const SEARCH = `query ($text: String) { listings(filter: { text: $text }) { totalCount nodes { id title } } }`;
const IMPORT = `mutation ($input: ImportCqcRegisterInput!) { importCqcRegister(input: $input) {
  dryRun locations added changed unchanged deregistered ratingsUpdated deactivatedListings changes { locationId kind status } userErrors { code message field } } }`;

type Payload = { userErrors: { code: string; message: string; field: (string | number)[] | null }[] };

describe("an open marketplace", () => {
  const api = useApi();
  let url: string;
  let server: Server;
  beforeAll(async () => {
    server = createServer(api.app.express);
    url = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function gql<T>(query: string, variables: Record<string, unknown>, token: string | null): Promise<Answer<T>> {
    const response = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer<T>;
  }
  const tokenOf = (user: UserEntity) => api.app.services.tokens.issue(user.subject);

  describe("joining", () => {
    it("a valid token for an unknown person with an email is signed in with no roles", async () => {
      const token = await newcomerToken({ sub: "idp|sam-1", email: "Sam@Example.org", name: "Sam Carer" });
      const answer = await gql<{ viewer: { email: string; displayName: string; roles: string[]; subject: string } }>(
        "{ viewer { email displayName roles subject } }",
        {},
        token,
      );
      expect(answer).toEqual({ data: { viewer: { email: "sam@example.org", displayName: "Sam Carer", roles: [], subject: "idp|sam-1" } } });
    });

    it("nothing but the public catalogue and registerProvider is open to them", async () => {
      const token = await newcomerToken({ sub: "idp|sam-2", email: "sam2@example.org" });
      const clients = await gql("{ clients { totalCount } }", {}, token);
      expect(clients.errors?.[0].extensions.code).toBe("FORBIDDEN");
      const listing = await gql(
        CREATE_LISTING,
        { input: { categoryCode: "DOMESTIC", title: "Cleaning", pricePence: 1800, unit: "HOUR", setting: "HOME" } },
        token,
      );
      expect(listing.errors?.[0].extensions.code).toBe("FORBIDDEN");
      const catalogue = await gql<{ serviceCategories: unknown[] }>("{ serviceCategories { code } }", {}, token);
      expect(catalogue.errors).toBeUndefined();
      expect(await api.db.query("SELECT 1 FROM users WHERE subject = 'idp|sam-2'")).toEqual([]);
    });

    it("a token for an unknown person without an email is refused", async () => {
      const answer = await gql("{ viewer { id } }", {}, await newcomerToken({ sub: "idp|nobody" }));
      expect(answer.errors?.[0]).toMatchObject({
        message: "The bearer token names no user of this marketplace, and carries no verified email to join with.",
        extensions: { code: "UNAUTHENTICATED" },
      });
      const unverified = await gql("{ viewer { id } }", {}, await newcomerToken({ sub: "idp|x", email: "x@example.org", email_verified: false }));
      expect(unverified.errors?.[0].extensions.code).toBe("UNAUTHENTICATED");
    });

    it("registerProvider creates their user and an unverified provider at once, and again returns the same", async () => {
      const token = await newcomerToken({ sub: "idp|sam-3", email: "sam3@example.org", name: "Sam Three" });
      const input = { name: "Sam's Cleaning", kind: "BUSINESS", serviceAreaCodes: [MERTON], postcodeDistricts: ["SW19"] };
      const [first, racing] = await Promise.all([
        gql<{ registerProvider: Payload & { provider: { id: string } } }>(REGISTER, { input }, token),
        gql<{ registerProvider: Payload & { provider: { id: string } } }>(REGISTER, { input }, token),
      ]);
      expect(first.data?.registerProvider).toMatchObject({ provider: { name: "Sam's Cleaning", verified: false, verification: null }, userErrors: [] });
      expect(racing.data?.registerProvider.provider.id).toBe(first.data?.registerProvider.provider.id);
      const again = await gql<{ registerProvider: Payload & { provider: { id: string } } }>(REGISTER, { input }, token);
      expect(again.data?.registerProvider.provider.id).toBe(first.data?.registerProvider.provider.id);
      const other = await gql<{ registerProvider: Payload }>(REGISTER, { input: { ...input, name: "Another business" } }, token);
      expect(other.data?.registerProvider.userErrors.map((e) => e.code)).toEqual(["ALREADY_PROVIDER_MEMBER"]);
      const users = await api.db.query("SELECT email, display_name, roles::text[] AS roles FROM users WHERE subject = 'idp|sam-3'");
      expect(users).toEqual([{ email: "sam3@example.org", display_name: "Sam Three", roles: ["PROVIDER"] }]);
      expect(await api.db.query("SELECT count(*)::int AS n FROM providers")).toEqual([{ n: 1 }]);
    });

    it("a newcomer whose email another user has is told to sign in as them", async () => {
      await aProviderMember(api.db);
      await api.db.query("UPDATE users SET email = 'taken@example.org'");
      const token = await newcomerToken({ sub: "idp|taken", email: "taken@example.org" });
      const answer = await gql<{ registerProvider: Payload }>(REGISTER, { input: { name: "Taken", kind: "BUSINESS" } }, token);
      expect(answer.data?.registerProvider.userErrors.map((e) => e.code)).toEqual(["ALREADY_EXISTS"]);
      expect(await api.db.query("SELECT 1 FROM users WHERE subject = 'idp|taken'")).toEqual([]);
    });
  });

  describe("verification", () => {
    async function newProviderWithListing() {
      const token = await newcomerToken({ sub: "idp|pat", email: "pat@example.org", name: "Pat New" });
      const registered = await gql<{ registerProvider: { provider: { id: string } } }>(
        REGISTER,
        { input: { name: "Pat's Gardening", kind: "BUSINESS", serviceAreaCodes: [MERTON], postcodeDistricts: ["SW19"] } },
        token,
      );
      const providerId = registered.data!.registerProvider.provider.id;
      const created = await gql<{ createListing: Payload & { listing: { id: string } } }>(
        CREATE_LISTING,
        { input: { categoryCode: "GARDENING", title: "Zinnia garden tidy", pricePence: 2000, unit: "HOUR", setting: "HOME" } },
        token,
      );
      expect(created.data?.createListing.userErrors).toEqual([]);
      return { token, providerId, listingId: created.data!.createListing.listing.id };
    }

    it("hides an unverified provider's listings from everyone else until Merton's commissioner verifies it", async () => {
      const { token, providerId, listingId } = await newProviderWithListing();
      const { user: client, client: holder } = await aClientUser(api.db);
      const budget = await aBudget(api.db, holder);
      const clientToken = await tokenOf(client);
      const titles = async (as: string | null) =>
        (await gql<{ listings: { nodes: { title: string }[] } }>(SEARCH, { text: "zinnia" }, as)).data?.listings.nodes.map((n) => n.title);

      expect(await titles(clientToken)).toEqual([]);
      expect(await titles(null)).toEqual([]);
      expect(await titles(token)).toEqual(["Zinnia garden tidy"]);
      const lookup = `query ($id: ID!) { listing(id: $id) { id } node(id: $id) { id } provider(id: "${providerId}") { listings { totalCount } } }`;
      expect((await gql(lookup, { id: listingId }, clientToken)).data).toEqual({ listing: null, node: null, provider: { listings: { totalCount: 0 } } });
      expect((await gql(lookup, { id: listingId }, token)).data).toEqual({
        listing: { id: listingId },
        node: { id: listingId },
        provider: { listings: { totalCount: 1 } },
      });
      const booking = await gql<{ createBooking: Payload }>(
        "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { userErrors { code field } } }",
        { input: { listingId, budgetId: toGlobalId("Budget", budget.id), startsAt: "2026-05-04T09:00:00Z", idempotencyKey: "b1" } },
        clientToken,
      );
      expect(booking.data?.createBooking.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "listingId"] }]);

      // A commissioner of a funding body it does not serve may not verify it; nor without checks.
      const leicestershire = await tokenOf(await aCommissioner(api.db, LEICESTERSHIRE));
      const refused = await gql<{ verifyProvider: Payload }>(VERIFY, { input: { providerId, checks: ["DBS"] } }, leicestershire);
      expect(refused.data?.verifyProvider.userErrors.map((e) => e.code)).toEqual(["NOT_PERMITTED"]);
      const commissioner = await aCommissioner(api.db, MERTON);
      const merton = await tokenOf(commissioner);
      const noChecks = await gql<{ verifyProvider: Payload }>(VERIFY, { input: { providerId, checks: [] } }, merton);
      expect(noChecks.data?.verifyProvider.userErrors.map((e) => [e.code, e.field])).toEqual([["INVALID_VALUE", ["input", "checks"]]]);
      const noCqc = await gql<{ verifyProvider: Payload }>(VERIFY, { input: { providerId, checks: ["IDENTITY", "CQC_REGISTER"] } }, merton);
      expect(noCqc.data?.verifyProvider.userErrors.map((e) => [e.code, e.field])).toEqual([["CQC_REGISTRATION_REQUIRED", ["input", "checks", "0"]]]);
      expect(await titles(clientToken)).toEqual([]);

      const verified = await gql<{ verifyProvider: unknown }>(
        VERIFY,
        { input: { providerId, checks: ["IDENTITY", "DBS", "INSURANCE"], note: "Insured with Aviva to 2027-03" } },
        merton,
      );
      expect(verified.data?.verifyProvider).toEqual({
        provider: {
          verified: true,
          verification: {
            checks: ["DBS", "IDENTITY", "INSURANCE"],
            by: { email: commissioner.email },
            byFundingBody: { code: MERTON },
            note: "Insured with Aviva to 2027-03",
          },
        },
        userErrors: [],
      });
      expect(await titles(clientToken)).toEqual(["Zinnia garden tidy"]);
      const publicView = await gql<{ provider: unknown }>(
        `{ provider(id: "${providerId}") { verification { checks by { email } byFundingBody { code } note } } }`,
        {},
        null,
      );
      expect(publicView.data?.provider).toEqual({
        verification: { checks: ["DBS", "IDENTITY", "INSURANCE"], by: null, byFundingBody: { code: MERTON }, note: null },
      });
      // The same verification again records nothing new.
      await gql(VERIFY, { input: { providerId, checks: ["IDENTITY", "DBS", "INSURANCE"], note: "Insured with Aviva to 2027-03" } }, merton);
      expect(await api.db.query("SELECT count(*)::int AS n FROM provider_verifications")).toEqual([{ n: 1 }]);
    });

    it("hides unverified providers from the package planner, quote requests and the price distribution", async () => {
      const provider = await aProvider(api.db, { verified: false });
      await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 1500 });
      const { user: client, client: holder } = await aClientUser(api.db);
      const budget = await aBudget(api.db, holder);
      const admin = await anAdmin(api.db);
      const plan = await api.data<{ planPackage: { plan: { candidates: number } } }>(
        "mutation ($input: PlanPackageInput!) { planPackage(input: $input) { plan { candidates } } }",
        {
          input: {
            clientId: toGlobalId("Client", holder.id),
            budgetId: toGlobalId("Budget", budget.id),
            needs: [{ categoryCode: "PERSONAL_CARE", unitsPerWeek: 3 }],
          },
        },
        { as: client },
      );
      expect(plan.planPackage.plan.candidates).toBe(0);
      const distribution = await api.data<{ priceDistribution: { listings: { compared: number; withoutReference: number } } }>(
        `{ priceDistribution(fundingBodyCode: "${MERTON}", categoryCode: "PERSONAL_CARE") { listings { compared withoutReference } } }`,
        {},
        { as: admin },
      );
      expect(distribution.priceDistribution.listings).toEqual({ compared: 0, withoutReference: 0 });
      const { user: member } = await aProviderMember(api.db, provider);
      await api.data(
        "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { userErrors { code } } }",
        {
          input: {
            clientId: toGlobalId("Client", holder.id),
            categoryCode: "PERSONAL_CARE",
            description: "Mornings",
            unitsPerWeek: 5,
            startsOn: "2026-04-06",
            endsOn: "2026-04-30",
          },
        },
        { as: client },
      );
      const requests = await api.data<{ quoteRequests: { totalCount: number } }>("{ quoteRequests { totalCount } }", {}, { as: member });
      expect(requests.quoteRequests.totalCount).toBe(0);
    });
  });

  describe("the CQC register", () => {
    const importAs = async (csv: string, dryRun: boolean, as?: UserEntity) =>
      (await api.data<{ importCqcRegister: Record<string, unknown> & Payload }>(IMPORT, { input: { csv, dryRun } }, { as: as ?? (await anAdmin(api.db)) }))
        .importCqcRegister;

    it("imports CQC's CSV, idempotently, and the rating shown is the register's", async () => {
      const provider = await aProvider(api.db, { cqcLocationId: "1-101672419", cqcRating: null });
      await api.db.query("DELETE FROM cqc_locations");
      const dry = await importAs(REGISTER_CSV, true);
      expect(dry).toMatchObject({ dryRun: true, locations: 6, added: 6, unchanged: 0, ratingsUpdated: 1, userErrors: [] });
      expect(await api.db.query("SELECT count(*)::int AS n FROM cqc_locations")).toEqual([{ n: 0 }]);
      const first = await importAs(REGISTER_CSV, false);
      expect(first).toMatchObject({ dryRun: false, locations: 6, added: 6, changed: 0, deregistered: 0, ratingsUpdated: 1 });
      const stored = await api.db.query(
        "SELECT location_id, name, postcode, status, rating, regulated_activities, registered_on FROM cqc_locations ORDER BY location_id",
      );
      expect(stored[2]).toEqual({
        location_id: "1-103456789",
        name: 'Morden "Bluebell" Carers',
        postcode: "SM4 5DX",
        status: "REGISTERED",
        rating: "OUTSTANDING",
        regulated_activities: ["Personal care"],
        registered_on: "2016-09-02",
      });
      expect(stored.map((l: { status: string; rating: string | null }) => [l.status, l.rating])).toEqual([
        ["REGISTERED", "GOOD"],
        ["REGISTERED", "REQUIRES_IMPROVEMENT"],
        ["REGISTERED", "OUTSTANDING"],
        ["REGISTERED", null],
        ["DORMANT", "GOOD"],
        ["REGISTERED", "INADEQUATE"],
      ]);
      const rated = await api.data<{ provider: { cqcRating: string } }>(`{ provider(id: "${toGlobalId("Provider", provider.id)}") { cqcRating } }`);
      expect(rated.provider.cqcRating).toBe("GOOD");
      expect(await importAs(REGISTER_CSV, false)).toMatchObject({ added: 0, changed: 0, unchanged: 6, deregistered: 0, ratingsUpdated: 0, changes: [] });
    });

    it("a regulated listing needs the provider's location active in the register; one that leaves it withdraws its listings", async () => {
      await api.db.query("DELETE FROM cqc_locations");
      await importAs(REGISTER_CSV, false);
      const registered = await aProviderMember(api.db, await aProvider(api.db, { cqcLocationId: "1-103456789" }));
      const dormant = await aProviderMember(api.db, await aProvider(api.db, { cqcLocationId: "1-105678901" }));
      const unknown = await aProviderMember(api.db, await aProvider(api.db, { cqcLocationId: "1-999999999" }));
      await api.db.query("DELETE FROM cqc_locations WHERE location_id = '1-999999999'");
      const input = { categoryCode: "PERSONAL_CARE", title: "Morning care", unit: "VISIT", visitMinutes: 45, pricePence: 1650, setting: "HOME" };
      const create = async (as: UserEntity) =>
        (await api.data<{ createListing: Payload & { listing: { id: string } | null } }>(CREATE_LISTING, { input }, { as })).createListing;
      const ok = await create(registered.user);
      expect(ok.userErrors).toEqual([]);
      for (const refused of [dormant.user, unknown.user]) {
        expect((await create(refused)).userErrors.map((e) => [e.code, e.field])).toEqual([["CQC_REGISTRATION_REQUIRED", ["input", "categoryCode"]]]);
      }
      const gardening = await aListing(api.db, registered.provider, { categoryCode: "GARDENING" });

      // The next register no longer lists Bluebell Carers.
      const without = REGISTER_CSV.split("\r\n")
        .filter((line) => !line.startsWith("1-103456789"))
        .join("\r\n");
      const next = await importAs(without, false);
      expect(next).toMatchObject({
        deregistered: 1,
        deactivatedListings: 1,
        changes: [{ locationId: "1-103456789", kind: "DEREGISTERED", status: "DEREGISTERED" }],
      });
      const active = await api.db.query("SELECT id, active FROM listings WHERE provider_id = $1 ORDER BY id", [registered.provider.id]);
      expect(Object.fromEntries(active.map((l: { id: string; active: boolean }) => [l.id, l.active]))).toEqual({
        [ok.listing!.id ? Buffer.from(ok.listing!.id, "base64url").toString().split(":")[1] : ""]: false,
        [gardening.id]: true,
      });
    });

    it("reports a bad file by line, and only admins import", async () => {
      expect((await importAs("Name,Postcode\r\nA,B\r\n", false)).userErrors.map((e) => e.code)).toEqual(["INVALID_VALUE"]);
      const badLine = REGISTER_CSV.replace("1-102345678", "CQC-2");
      expect((await importAs(badLine, false)).userErrors.map((e) => [e.code, e.field])).toEqual([["INVALID_VALUE", ["input", "csv", "3"]]]);
      const commissioner = await aCommissioner(api.db);
      const refused = await api.execute(IMPORT, { input: { csv: REGISTER_CSV, dryRun: false } }, { as: commissioner });
      expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    });
  });
});
