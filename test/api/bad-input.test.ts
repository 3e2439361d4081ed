/**
 * Bad bytes and absurd numbers are the caller's error (issue #8, item 3): each case an audit found
 * answering INTERNAL_SERVER_ERROR is a BAD_USER_INPUT naming the field, or a userError.
 * test/api/fuzz.test.ts looks for more of the same kind.
 */
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { toGlobalId } from "../../src/shared/ids";
import { TEST_JWT_SECRET, useApi } from "../support/api";
import { aBudget, aClientUser, aCommissioner, anAdmin, aPersonalAssistant, aProviderMember, MERTON } from "../support/factories";

type Errors = { message: string; extensions?: Record<string, unknown> }[] | undefined;

/** The top-level error of a shape violation: BAD_USER_INPUT, listing the field at fault. */
function badInputAt(field: string[]) {
  return [expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", fields: [expect.objectContaining({ field })] } })];
}

const TOP_UP = "mutation ($input: TopUpBudgetInput!) { topUpBudget(input: $input) { userErrors { code field } } }";
const REGISTER = "mutation ($input: RegisterProviderInput!) { registerProvider(input: $input) { provider { id } userErrors { code field } } }";
const SETTINGS = "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { userErrors { code field } } }";
const CREATE_LISTING = "mutation ($input: CreateListingInput!) { createListing(input: $input) { listing { id } userErrors { code field } } }";
const REQUEST_QUOTE = "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { userErrors { code field } } }";
const CREATE_BOOKING = "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code field } } }";
const CREATE_CLIENT = "mutation ($input: CreateClientInput!) { createClient(input: $input) { client { id } userErrors { code field } } }";
const CREATE_USER = "mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } userErrors { code field } } }";
const IMPORT_RATES = "mutation ($input: ImportReferenceRatesInput!) { importReferenceRates(input: $input) { created userErrors { code field } } }";
const RATE_CSV_HEADER = "funding_body_code,funding_body_name,category,unit,visit_minutes,rate_type,rate_pence,valid_from,valid_to,source_kind,source";

describe("malformed input", () => {
  const api = useApi();

  async function aBudgetWithCommissioner() {
    const commissioner = await aCommissioner(api.db);
    const { user, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client);
    return { commissioner, clientUser: user, client, budget, budgetId: toGlobalId("Budget", budget.id) };
  }

  describe("a NUL byte in a string that reaches PostgreSQL", () => {
    it("in an idempotency key", async () => {
      const { commissioner, budgetId } = await aBudgetWithCommissioner();
      const { errors } = await api.execute(TOP_UP, { input: { budgetId, amountPence: 100, idempotencyKey: "top-up\u0000" } }, { as: commissioner });
      expect(errors).toEqual(badInputAt(["input", "idempotencyKey"]));
    });

    it("in a memo", async () => {
      const { commissioner, budgetId } = await aBudgetWithCommissioner();
      const { errors } = await api.execute(TOP_UP, { input: { budgetId, amountPence: 100, memo: "a\u0000b", idempotencyKey: "k" } }, { as: commissioner });
      expect(errors).toEqual(badInputAt(["input", "memo"]));
    });

    it("in a name", async () => {
      const admin = await anAdmin(api.db);
      const { errors } = await api.execute(REGISTER, { input: { name: "Care\u0000Co", kind: "BUSINESS" } }, { as: admin });
      expect(errors).toEqual(badInputAt(["input", "name"]));
    });

    it("in a code, as an input field and as a query argument", async () => {
      const admin = await anAdmin(api.db);
      const mutation = await api.execute(SETTINGS, { input: { code: "E0900\u00000024" } }, { as: admin });
      expect(mutation.errors).toEqual(badInputAt(["input", "code"]));
      const query = await api.execute('{ fundingBody(code: "E09\\u0000") { name } }', {}, { as: admin });
      expect(query.errors).toEqual(badInputAt(["code"]));
    });

    it("in a list of codes inside a filter", async () => {
      const { errors } = await api.execute("query ($codes: [String!]) { listings(filter: { categoryCodes: $codes }) { totalCount } }", {
        codes: ["PA_SUPPORT", "\u0000"],
      });
      expect(errors).toEqual(badInputAt(["filter", "categoryCodes", "1"]));
    });

    it("in a CSV of reference rates", async () => {
      const admin = await anAdmin(api.db);
      const csv = `${RATE_CSV_HEADER}\n${MERTON},Merton,PA_SUPPORT,HOUR,,STANDARD,1955,2026-04-01,,COUNCIL_DP_RATE,card\u0000`;
      const { errors } = await api.execute(IMPORT_RATES, { input: { csv } }, { as: admin });
      expect(errors).toEqual(badInputAt(["input", "csv"]));
    });

    it("names no object's prototype: an id of type constructor or __proto__ is nobody", async () => {
      const admin = await anAdmin(api.db);
      for (const type of ["constructor", "__proto__", "toString"]) {
        const id = Buffer.from(`${type}:01a233be-c211-7019-bd4a-9c674cd30b18`).toString("base64url");
        expect(await api.execute("query($id: ID!) { node(id: $id) { id } }", { id }, { as: admin })).toEqual({ data: { node: null } });
      }
    });

    it("cursors well formed but holding values this API never writes, on every list", async () => {
      const admin = await anAdmin(api.db);
      const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString("base64url");
      const forged = (order: string, arity: number) =>
        [[1e308], ["NaN"], [-1e20], [true], ["x".repeat(5_000)], ["x\u0000"], ["not-a-uuid"], [99_999_999_999]]
          .map((v) => cursor([order, ...Array<unknown>(arity - 1).fill(v[0]), arity > 1 ? "01a233be-c211-7019-bd4a-9c674cd30b18" : v[0]]))
          .concat(cursor([order, ...Array<unknown>(arity - 1).fill(1), "not-a-uuid"]));
      const lists: [string, string, number][] = [
        ...["PRICE_ASC", "PRICE_DESC", "NEWEST"].map((order): [string, string, number] => [
          `listings(orderBy: ${order}, after: $after) { totalCount }`,
          order,
          2,
        ]),
        ["providers(after: $after) { totalCount }", "NAME", 2],
        ["bookings(after: $after) { totalCount }", "BOOKINGS", 1],
        ["clients(after: $after) { totalCount }", "NAME", 2],
        ["packages(after: $after) { totalCount }", "PACKAGES", 1],
        ["quoteRequests(after: $after) { totalCount }", "REQUESTS", 1],
      ];
      let tried = 0;
      for (const [field, order, arity] of lists) {
        for (const after of forged(order, arity)) {
          // A forged value is either refused or simply sorts somewhere: never a failure inside.
          const { errors } = await api.execute(`query ($after: String) { ${field} }`, { after }, { as: admin });
          expect({ field, after, codes: errors?.map((e) => e.extensions?.code) ?? [] }).toEqual({ field, after, codes: errors ? ["BAD_USER_INPUT"] : [] });
          tried++;
        }
      }
      expect(tried).toBe(lists.length * 9);
    });

    it("in a cursor or an ID", async () => {
      const listings = await api.execute("query ($after: String) { listings(after: $after) { totalCount } }", { after: "\u0000" });
      expect(listings.errors).toEqual(badInputAt(["after"]));
      const node = await api.execute("query ($id: ID!) { node(id: $id) { id } }", { id: "TGlz\u0000" });
      expect(node.errors).toEqual(badInputAt(["id"]));
    });
  });

  it("refuses a lone surrogate in an email", async () => {
    const admin = await anAdmin(api.db);
    const { errors } = await api.execute(CREATE_USER, { input: { email: "carol\ud800@example.org", displayName: "Carol", roles: ["ADMIN"] } }, { as: admin });
    expect(errors).toEqual(badInputAt(["input", "email"]));
  });

  describe("numbers beyond what the columns hold", () => {
    it("weeklyCapacityUnits beyond numeric(8,2)", async () => {
      const { user } = await aProviderMember(api.db);
      const input = { categoryCode: "PERSONAL_CARE", title: "Care", unit: "HOUR", pricePence: 2400, setting: "HOME", weeklyCapacityUnits: 1e10 };
      const { errors } = await api.execute(CREATE_LISTING, { input }, { as: user });
      expect(errors).toEqual(badInputAt(["input", "weeklyCapacityUnits"]));
    });

    it("unitsPerWeek beyond numeric(8,2)", async () => {
      const { clientUser, client } = await aBudgetWithCommissioner();
      const input = {
        clientId: toGlobalId("Client", client.id),
        categoryCode: "PA_SUPPORT",
        description: "Help",
        unitsPerWeek: 1e12,
        startsOn: "2026-05-01",
        endsOn: "2026-06-01",
      };
      const { errors } = await api.execute(REQUEST_QUOTE, { input }, { as: clientUser });
      expect(errors).toEqual(badInputAt(["input", "unitsPerWeek"]));
    });

    it("money beyond an integer column", async () => {
      const { commissioner, budgetId } = await aBudgetWithCommissioner();
      const { errors } = await api.execute(TOP_UP, { input: { budgetId, amountPence: Number.MAX_SAFE_INTEGER, idempotencyKey: "k" } }, { as: commissioner });
      expect(errors).toEqual(badInputAt(["input", "amountPence"]));
    });

    it("rate_pence beyond an integer column in a CSV", async () => {
      const admin = await anAdmin(api.db);
      const csv = `${RATE_CSV_HEADER}\n${MERTON},Merton,PA_SUPPORT,HOUR,,STANDARD,99999999999,2026-04-01,,COUNCIL_DP_RATE,card`;
      const { data } = await api.execute(IMPORT_RATES, { input: { csv } }, { as: admin });
      expect(data).toEqual({ importReferenceRates: { created: 0, userErrors: [{ code: "INVALID_VALUE", field: ["input", "csv", "2"] }] } });
    });

    it("a visit whose cost (units × price) is beyond an integer column", async () => {
      const { clientUser, budgetId } = await aBudgetWithCommissioner();
      const { listing } = await aPersonalAssistant(api.db);
      await api.db.query("UPDATE listings SET price_pence = 2000000000 WHERE id = $1", [listing.id]);
      api.clock.set("2026-05-01T09:00:00Z");
      const input = { budgetId, listingId: toGlobalId("Listing", listing.id), startsAt: "2026-05-04T09:00:00Z", unitsPerVisit: 10, idempotencyKey: "k" };
      const { data } = await api.execute(CREATE_BOOKING, { input }, { as: clientUser });
      expect(data).toEqual({ createBooking: { booking: null, userErrors: [{ code: "INVALID_VALUE", field: ["input", "unitsPerVisit"] }] } });
    });

    it("unitsPerVisit: 1e-320 is not a quantity of hundredths", async () => {
      const { clientUser, budgetId } = await aBudgetWithCommissioner();
      const { listing } = await aPersonalAssistant(api.db);
      const input = { budgetId, listingId: toGlobalId("Listing", listing.id), startsAt: "2026-05-04T09:00:00Z", unitsPerVisit: 1e-320, idempotencyKey: "k" };
      const { data } = await api.execute(CREATE_BOOKING, { input }, { as: clientUser });
      expect(data).toEqual({ createBooking: { booking: null, userErrors: [{ code: "INVALID_VALUE", field: ["input", "unitsPerVisit"] }] } });
    });
  });

  describe("dates in year 0", () => {
    it("a LocalDate", async () => {
      const commissioner = await aCommissioner(api.db);
      const { errors } = await api.execute(
        CREATE_CLIENT,
        { input: { displayName: "Dora", postcodeDistrict: "SW19", dateOfBirth: "0000-01-01" } },
        { as: commissioner },
      );
      expect(errors).toEqual(badInputAt(["input", "dateOfBirth"]));
    });

    it("a DateTime", async () => {
      const { clientUser, budgetId } = await aBudgetWithCommissioner();
      const { listing } = await aPersonalAssistant(api.db);
      const input = { budgetId, listingId: toGlobalId("Listing", listing.id), startsAt: "0000-01-01T09:00:00Z", idempotencyKey: "k" };
      const { errors } = await api.execute(CREATE_BOOKING, { input }, { as: clientUser });
      expect(errors).toEqual(badInputAt(["input", "startsAt"]));
    });

    it("in a CSV of reference rates", async () => {
      const admin = await anAdmin(api.db);
      const csv = `${RATE_CSV_HEADER}\n${MERTON},Merton,PA_SUPPORT,HOUR,,STANDARD,1955,0000-04-01,,COUNCIL_DP_RATE,card`;
      const { data } = await api.execute(IMPORT_RATES, { input: { csv } }, { as: admin });
      expect(data).toEqual({ importReferenceRates: { created: 0, userErrors: [{ code: "INVALID_VALUE", field: ["input", "csv", "2"] }] } });
    });
  });

  it("refuses an empty fundingBodyCode as a userError", async () => {
    const admin = await anAdmin(api.db);
    const input = { email: "dora@example.org", displayName: "Dora", roles: ["COMMISSIONER"], fundingBodyCode: "" };
    const { data } = await api.execute(CREATE_USER, { input }, { as: admin });
    expect(data).toEqual({ createUser: { user: null, userErrors: [{ code: "NOT_FOUND", field: ["input", "fundingBodyCode"] }] } });
  });

  describe("over HTTP", () => {
    let url: string;
    beforeAll(async () => {
      await new Promise<void>((resolve) => api.app.http.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(api.app.http.address() as AddressInfo).port}`;
    });

    it("answers a signed token whose subject holds a NUL with 401 UNAUTHENTICATED", async () => {
      const token = await new SignJWT({ sub: "carol\u0000@example.org" })
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode(TEST_JWT_SECRET));
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: '{"query":"{ viewer { email } }"}',
      });
      const body = (await response.json()) as { errors: Errors };
      expect({ status: response.status, codes: body.errors?.map((e) => e.extensions?.code) }).toEqual({ status: 401, codes: ["UNAUTHENTICATED"] });
    });

    it("answers the efficiency CSV with a NUL or a repeated parameter with 400", async () => {
      const commissioner = await aCommissioner(api.db);
      const authorization = `Bearer ${await api.app.services.tokens.issue(commissioner.subject)}`;
      for (const query of [
        "fundingBodyCode=E09%00&from=2026-04-01&to=2027-03-31",
        `fundingBodyCode=${MERTON}&from=2026-04-01&to=2027-03-31&groupBy=MONTH&groupBy=CATEGORY`,
        `fundingBodyCode=${MERTON}&from=0000-04-01&to=2027-03-31`,
        ...["toString", "constructor", "__proto__", "hasOwnProperty"].map((name) => `fundingBodyCode=${MERTON}&from=2026-04-01&to=2027-03-31&groupBy=${name}`),
      ]) {
        const response = await fetch(`${url}/reports/efficiency.csv?${query}`, { headers: { authorization } });
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
      }
    });
  });
});
