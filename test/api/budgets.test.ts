import { Role } from "../../src/shared/auth";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import {
  aBroker,
  aBudget,
  aClient,
  aClientUser,
  aCommissioner,
  anAdmin,
  aProvider,
  aProviderMember,
  aUser,
  LEICESTERSHIRE,
  ledgerMismatches,
  MERTON,
} from "../support/factories";

type Errors = { code: string; field: string[] | null; message: string }[];

const CREATE_CLIENT = /* GraphQL */ `
  mutation ($input: CreateClientInput!) {
    createClient(input: $input) {
      client { id displayName postcodeDistrict setting careHome { name } dateOfBirth ageBand newToSupport fundingBody { code } }
      userErrors { code message field }
    }
  }
`;
const CREATE_BUDGET = /* GraphQL */ `
  mutation ($input: CreateBudgetInput!) {
    createBudget(input: $input) {
      budget { id kind management periodStart periodEnd reviewDueOn allocatedPence committedPence availablePence coveredCategories { code } holder { displayName }
               ledger { totalCount nodes { kind amountPence memo } } }
      userErrors { code message field }
    }
  }
`;
const TOP_UP = /* GraphQL */ `
  mutation ($input: TopUpBudgetInput!) {
    topUpBudget(input: $input) { budget { allocatedPence availablePence } userErrors { code message field } }
  }
`;

describe("clients and budgets", () => {
  const api = useApi();
  const at = (day: string) => api.clock.set(`${day}T10:00:00Z`);

  describe("createClient", () => {
    it("registers a budget holder of the commissioner's funding body", async () => {
      at("2026-06-01");
      const commissioner = await aCommissioner(api.db);
      const input = { displayName: "Mrs Edna Jones", postcodeDistrict: "sw19", dateOfBirth: "1946-05-04", newToSupport: true };
      const { createClient } = await api.data<{ createClient: { client: unknown; userErrors: Errors } }>(CREATE_CLIENT, { input }, { as: commissioner });
      expect(createClient).toEqual({
        client: {
          id: expect.any(String),
          displayName: "Mrs Edna Jones",
          postcodeDistrict: "SW19",
          setting: "OWN_HOME",
          careHome: null,
          dateOfBirth: "1946-05-04",
          ageBand: "AGE_75_84",
          newToSupport: true,
          fundingBody: { code: MERTON },
        },
        userErrors: [],
      });
    });

    it("places a care-home resident in a care home, and only then", async () => {
      const commissioner = await aCommissioner(api.db);
      const home = await aProvider(api.db, { name: "The Chestnuts", kind: "CARE_HOME" as never });
      const agency = await aProvider(api.db);
      const base = { displayName: "Mr Ali", postcodeDistrict: "SM4", dateOfBirth: "1938-01-02" };
      const resident = await api.data<{ createClient: { client: { careHome: unknown; setting: string } } }>(
        CREATE_CLIENT,
        { input: { ...base, setting: "CARE_HOME", careHomeId: toGlobalId("Provider", home.id) } },
        { as: commissioner },
      );
      expect(resident.createClient.client).toMatchObject({ setting: "CARE_HOME", careHome: { name: "The Chestnuts" } });
      for (const input of [
        { ...base, setting: "CARE_HOME" },
        { ...base, setting: "CARE_HOME", careHomeId: toGlobalId("Provider", agency.id) },
      ]) {
        const { createClient } = await api.data<{ createClient: { client: null; userErrors: Errors } }>(CREATE_CLIENT, { input }, { as: commissioner });
        expect(createClient.userErrors.map((e) => [e.code, e.field])).toEqual([["NOT_FOUND", ["input", "careHomeId"]]]);
      }
      const atHome = await api.data<{ createClient: { userErrors: Errors } }>(
        CREATE_CLIENT,
        { input: { ...base, careHomeId: toGlobalId("Provider", home.id) } },
        { as: commissioner },
      );
      expect(atHome.createClient.userErrors.map((e) => [e.code, e.field])).toEqual([["INVALID_VALUE", ["input", "careHomeId"]]]);
    });

    it("names bad details, and keeps commissioners to their own funding body", async () => {
      at("2026-06-01");
      const commissioner = await aCommissioner(api.db);
      const bad = { displayName: "X", postcodeDistrict: "SW19 1AA", dateOfBirth: "2030-01-01" };
      const { createClient } = await api.data<{ createClient: { userErrors: Errors } }>(CREATE_CLIENT, { input: bad }, { as: commissioner });
      expect(createClient.userErrors.map((e) => [e.code, e.field])).toEqual([
        ["INVALID_VALUE", ["input", "postcodeDistrict"]],
        ["INVALID_VALUE", ["input", "dateOfBirth"]],
      ]);
      const elsewhere = await api.data<{ createClient: { userErrors: Errors } }>(
        CREATE_CLIENT,
        { input: { ...bad, postcodeDistrict: "LE1", dateOfBirth: "1950-01-01", fundingBodyCode: LEICESTERSHIRE } },
        { as: commissioner },
      );
      expect(elsewhere.createClient.userErrors.map((e) => e.code)).toEqual(["NOT_PERMITTED"]);
    });
  });

  describe("createBudget", () => {
    const budgetInput = (clientId: string, overrides: object = {}) => ({
      clientId: toGlobalId("Client", clientId),
      kind: "PERSONAL_BUDGET",
      management: "DIRECT_PAYMENT",
      periodStart: "2026-04-01",
      periodEnd: "2027-03-31",
      allocatedPence: 1_016_600,
      coveredCategoryCodes: ["PA_SUPPORT", "GARDENING"],
      idempotencyKey: "budget-1",
      ...overrides,
    });

    it("allocates the budget through its first ledger entry", async () => {
      const commissioner = await aCommissioner(api.db);
      const client = await aClient(api.db, { displayName: "Edna" });
      const { createBudget } = await api.data<{ createBudget: { budget: unknown; userErrors: Errors } }>(
        CREATE_BUDGET,
        { input: budgetInput(client.id) },
        { as: commissioner },
      );
      expect(createBudget).toEqual({
        budget: {
          id: expect.any(String),
          kind: "PERSONAL_BUDGET",
          management: "DIRECT_PAYMENT",
          periodStart: "2026-04-01",
          periodEnd: "2027-03-31",
          reviewDueOn: "2026-10-01",
          allocatedPence: 1_016_600,
          committedPence: 0,
          availablePence: 1_016_600,
          coveredCategories: [{ code: "PA_SUPPORT" }, { code: "GARDENING" }],
          holder: { displayName: "Edna" },
          ledger: { totalCount: 1, nodes: [{ kind: "ALLOCATION", amountPence: 1_016_600, memo: "Allocation" }] },
        },
        userErrors: [],
      });
    });

    it("keeps from a health budget's plan what such a budget may not buy", async () => {
      const commissioner = await aCommissioner(api.db);
      const client = await aClient(api.db);
      const input = budgetInput(client.id, {
        kind: "PERSONAL_HEALTH_BUDGET",
        coveredCategoryCodes: ["PA_SUPPORT", "PRIMARY_MEDICAL", "ASTROLOGY"],
        periodEnd: "2026-03-31",
      });
      const { createBudget } = await api.data<{ createBudget: { budget: null; userErrors: Errors } }>(CREATE_BUDGET, { input }, { as: commissioner });
      expect(createBudget.userErrors.map((e) => [e.code, e.field])).toEqual([
        ["INVALID_VALUE", ["input", "periodEnd"]],
        ["NOT_ALLOWED_FOR_BUDGET_KIND", ["input", "coveredCategoryCodes", "1"]],
        ["NOT_FOUND", ["input", "coveredCategoryCodes", "2"]],
      ]);
    });

    it("allocates once per idempotency key", async () => {
      const commissioner = await aCommissioner(api.db);
      const client = await aClient(api.db);
      const first = await api.data<{ createBudget: { budget: { id: string } } }>(CREATE_BUDGET, { input: budgetInput(client.id) }, { as: commissioner });
      const again = await api.data<{ createBudget: { budget: { id: string } } }>(CREATE_BUDGET, { input: budgetInput(client.id) }, { as: commissioner });
      expect(again.createBudget.budget.id).toBe(first.createBudget.budget.id);
      const other = await api.data<{ createBudget: { budget: null; userErrors: Errors } }>(
        CREATE_BUDGET,
        { input: budgetInput(client.id, { allocatedPence: 5 }) },
        { as: commissioner },
      );
      expect(other.createBudget).toEqual({
        budget: null,
        userErrors: [
          {
            code: "IDEMPOTENCY_KEY_REUSED",
            message: "This idempotency key was already used for a different request. Use a new key for a new request.",
            field: ["input", "idempotencyKey"],
          },
        ],
      });
      expect(await api.db.query("SELECT count(*)::int AS n FROM budgets")).toEqual([{ n: 1 }]);
    });

    it("is for commissioners of the client's funding body", async () => {
      const client = await aClient(api.db);
      const outsider = await aCommissioner(api.db, LEICESTERSHIRE);
      const { createBudget } = await api.data<{ createBudget: { userErrors: Errors } }>(CREATE_BUDGET, { input: budgetInput(client.id) }, { as: outsider });
      expect(createBudget.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
      const broker = await aBroker(api.db, client);
      const denied = await api.execute(CREATE_BUDGET, { input: budgetInput(client.id) }, { as: broker });
      expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    });
  });

  describe("topUpBudget", () => {
    it("adds money once per key, and refuses the key for another amount", async () => {
      const commissioner = await aCommissioner(api.db);
      const budget = await aBudget(api.db, await aClient(api.db), { allocatedPence: 100_000 });
      const input = { budgetId: toGlobalId("Budget", budget.id), amountPence: 25_000, memo: "Winter pressures", idempotencyKey: "top-up-1" };
      const answers = await Promise.all(Array.from({ length: 10 }, () => api.data<{ topUpBudget: unknown }>(TOP_UP, { input }, { as: commissioner })));
      for (const answer of answers) expect(answer).toEqual({ topUpBudget: { budget: { allocatedPence: 125_000, availablePence: 125_000 }, userErrors: [] } });
      const reused = await api.data<{ topUpBudget: { userErrors: Errors } }>(TOP_UP, { input: { ...input, amountPence: 1 } }, { as: commissioner });
      expect(reused.topUpBudget.userErrors.map((e) => e.code)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
      expect(await api.db.getRepository("ledger_entries").countBy({ budgetId: budget.id })).toBe(2);
      expect(await ledgerMismatches(api.db)).toEqual([]);
    });
  });

  describe("the ledger", () => {
    it("cannot be changed or deleted, only added to", async () => {
      const budget = await aBudget(api.db, await aClient(api.db));
      await expect(api.db.query("UPDATE ledger_entries SET amount_pence = 1 WHERE budget_id = $1", [budget.id])).rejects.toThrow(/append-only/);
      await expect(api.db.query("DELETE FROM ledger_entries WHERE budget_id = $1", [budget.id])).rejects.toThrow(/append-only/);
    });

    it("refuses totals that would leave available below zero, whatever the code does", async () => {
      const budget = await aBudget(api.db, await aClient(api.db), { allocatedPence: 100 });
      await expect(api.db.query("UPDATE budgets SET committed_pence = 101 WHERE id = $1", [budget.id])).rejects.toThrow(/chk_budgets_available/);
    });

    it("pages newest first", async () => {
      const commissioner = await aCommissioner(api.db);
      const budget = await aBudget(api.db, await aClient(api.db));
      for (const key of ["a", "b", "c"]) {
        await api.data(
          TOP_UP,
          { input: { budgetId: toGlobalId("Budget", budget.id), amountPence: 100, memo: key, idempotencyKey: key } },
          { as: commissioner },
        );
      }
      const query =
        "query ($id: ID!, $after: String) { budget(id: $id) { ledger(first: 2, after: $after) { nodes { memo } pageInfo { endCursor hasNextPage } } } }";
      type Page = { budget: { ledger: { nodes: { memo: string }[]; pageInfo: { endCursor: string; hasNextPage: boolean } } } };
      const first = await api.data<Page>(query, { id: toGlobalId("Budget", budget.id) }, { as: commissioner });
      expect(first.budget.ledger.nodes.map((n) => n.memo)).toEqual(["c", "b"]);
      const rest = await api.data<Page>(query, { id: toGlobalId("Budget", budget.id), after: first.budget.ledger.pageInfo.endCursor }, { as: commissioner });
      expect(rest.budget.ledger).toMatchObject({ nodes: [{ memo: "a" }, { memo: "Allocation" }], pageInfo: { hasNextPage: false } });
    });
  });

  describe("who sees a client and their budgets", () => {
    it("the client, their broker and their funding body's commissioners; nobody else", async () => {
      const { user: clientUser, client } = await aClientUser(api.db);
      await aBudget(api.db, client);
      const broker = await aBroker(api.db, client);
      const viewers = {
        client: clientUser,
        otherClient: (await aClientUser(api.db)).user,
        broker,
        otherBroker: await aBroker(api.db),
        commissioner: await aCommissioner(api.db, MERTON),
        otherCommissioner: await aCommissioner(api.db, LEICESTERSHIRE),
        provider: (await aProviderMember(api.db)).user,
        admin: await anAdmin(api.db),
      };
      const query = "query ($id: ID!) { client(id: $id) { displayName budgets { allocatedPence } broker { id } } clients { totalCount } }";
      const seen: Record<string, unknown> = {};
      for (const [name, viewer] of Object.entries(viewers)) {
        const result = await api.execute<{ client: { budgets: unknown[] } | null; clients: { totalCount: number } }>(
          query,
          { id: toGlobalId("Client", client.id) },
          { as: viewer },
        );
        seen[name] = result.errors ? result.errors[0].extensions?.code : [result.data?.client?.budgets.length ?? null, result.data?.clients.totalCount];
      }
      expect(seen).toEqual({
        client: [1, 1],
        otherClient: [null, 1],
        broker: [1, 1],
        otherBroker: [null, 0],
        commissioner: [1, 2],
        otherCommissioner: [null, 0],
        provider: "FORBIDDEN",
        admin: [1, 2],
      });
    });

    it("assignBroker gives a broker the client, and can take it away", async () => {
      const commissioner = await aCommissioner(api.db);
      const client = await aClient(api.db);
      const broker = await aBroker(api.db);
      const assign = "mutation ($input: AssignBrokerInput!) { assignBroker(input: $input) { client { broker { id } } userErrors { code field } } }";
      const given = await api.data(
        assign,
        { input: { clientId: toGlobalId("Client", client.id), brokerUserId: toGlobalId("User", broker.id) } },
        { as: commissioner },
      );
      expect(given).toEqual({ assignBroker: { client: { broker: { id: toGlobalId("User", broker.id) } }, userErrors: [] } });
      const sees = await api.data<{ client: unknown }>("query ($id: ID!) { client(id: $id) { id } }", { id: toGlobalId("Client", client.id) }, { as: broker });
      expect(sees.client).not.toBeNull();
      const notABroker = await aUser(api.db, { roles: [Role.PROVIDER] });
      const refused = await api.data(
        assign,
        { input: { clientId: toGlobalId("Client", client.id), brokerUserId: toGlobalId("User", notABroker.id) } },
        { as: commissioner },
      );
      expect(refused).toEqual({ assignBroker: { client: null, userErrors: [{ code: "NOT_FOUND", field: ["input", "brokerUserId"] }] } });
      const removed = await api.data(assign, { input: { clientId: toGlobalId("Client", client.id), brokerUserId: null } }, { as: commissioner });
      expect(removed).toEqual({ assignBroker: { client: { broker: null }, userErrors: [] } });
    });
  });
});
