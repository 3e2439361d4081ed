/**
 * SQL statements per query stay constant as results grow: every relation goes through a
 * per-request DataLoader, and the search fetches listings and providers in one statement.
 */
import { useApi } from "../support/api";
import { newId, toGlobalId } from "../../src/shared/ids";
import { aBookingRow, aBroker, aBudget, aClient, aClientUser, aCommissioner, aListing, aProvider } from "../support/factories";

describe("statements per query", () => {
  const api = useApi();

  async function statementsFor(query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
    const { statements, result } = await api.sql.during(() => api.execute(query, variables));
    expect(result.errors).toBeUndefined();
    return statements;
  }

  async function catalogue(providers: number, listingsEach: number): Promise<void> {
    for (let p = 0; p < providers; p++) {
      const provider = await aProvider(api.db);
      for (let l = 0; l < listingsEach; l++) await aListing(api.db, provider, { categoryCode: l % 2 ? "PA_SUPPORT" : "PERSONAL_CARE" });
    }
  }

  it.each([5, 50])("a search of %i listings with provider and category costs 2 statements", async (count) => {
    await catalogue(count, 1);
    const statements = await statementsFor(`{
      listings(first: 100) { edges { node { title pricePence provider { name cqcRating } category { name regulated } } } }
    }`);
    expect(statements).toHaveLength(2); // the joined search, then the categories
  });

  it("providers with their listings and service areas cost the same for 3 or 20 providers", async () => {
    const query = `{
      providers(first: 20) { totalCount edges { node { name serviceAreas { name } listings(first: 5) { totalCount nodes { pricePence category { name } } } } } }
    }`;
    await catalogue(3, 2);
    const few = await statementsFor(query);
    await catalogue(17, 6);
    const many = await statementsFor(query);
    expect(many).toHaveLength(few.length);
    expect(many.length).toBeLessThanOrEqual(6);
  });

  it("a search that reaches back to each provider's other listings stays constant", async () => {
    const query = `{ listings(first: 50) { totalCount nodes { provider { name listings(first: 3) { nodes { title provider { name } } } } } } }`;
    await catalogue(2, 2);
    const few = await statementsFor(query);
    await catalogue(20, 2);
    const many = await statementsFor(query);
    expect(many).toHaveLength(few.length);
    expect(many.length).toBeLessThanOrEqual(3);
  });

  it("clients' budgets with a page of each one's ledger and reviews cost the same for 3 or 20, each budget's page its own", async () => {
    const commissioner = await aCommissioner(api.db);
    const query = `{
      clients(first: 50) { nodes { displayName budgets { allocatedPence ledger(first: 2) { totalCount pageInfo { hasNextPage } nodes { kind amountPence } }
        reviews(first: 1) { totalCount pageInfo { hasNextPage } nodes { outcome reviewedOn } } } } }
    }`;
    const clients = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const budget = await aBudget(api.db, await aClient(api.db));
        // Three ledger entries and two reviews a budget: a page of two and of one leaves more of each.
        for (const amountPence of [100, 200]) {
          await api.db.query("INSERT INTO ledger_entries (id, budget_id, kind, amount_pence) VALUES ($1, $2, 'TOP_UP', $3)", [newId(), budget.id, amountPence]);
        }
        for (const reviewedOn of ["2026-05-01", "2026-06-01"]) {
          await api.db.query(
            `INSERT INTO budget_reviews (id, budget_id, funding_body_code, reviewed_on, outcome, notes, next_review_due_on, recorded_by_user_id)
             VALUES ($1, $2, $3, $4, 'CONTINUE', '', '2027-06-01', $5)`,
            [newId(), budget.id, budget.fundingBodyCode, reviewedOn, commissioner.id],
          );
        }
        await api.db.query("UPDATE budgets SET allocated_pence = allocated_pence + 300 WHERE id = $1", [budget.id]);
      }
    };
    type Page = { totalCount: number; pageInfo: { hasNextPage: boolean }; nodes: Record<string, unknown>[] };
    type Answer = { clients: { nodes: { budgets: { ledger: Page; reviews: Page }[] }[] } };
    await clients(3);
    const few = await api.sql.during(() => api.execute<Answer>(query, {}, { as: commissioner }));
    expect(few.result.errors).toBeUndefined();
    await clients(17);
    const many = await api.sql.during(() => api.execute<Answer>(query, {}, { as: commissioner }));
    expect(many.result.errors).toBeUndefined();
    expect(many.statements).toHaveLength(few.statements.length);
    const budgets = many.result.data!.clients.nodes.flatMap((c) => c.budgets);
    expect(budgets).toHaveLength(20);
    for (const { ledger, reviews } of budgets) {
      expect(ledger).toEqual({
        totalCount: 3,
        pageInfo: { hasNextPage: true },
        nodes: [
          { kind: "TOP_UP", amountPence: 200 },
          { kind: "TOP_UP", amountPence: 100 },
        ],
      });
      expect(reviews).toEqual({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ outcome: "CONTINUE", reviewedOn: "2026-06-01" }] });
    }
  });

  it("a commissioner's bookings with listing, provider, client, budget and visit totals cost the same for 3 or 30", async () => {
    const commissioner = await aCommissioner(api.db);
    const query = `{
      bookings(first: 50) { totalCount edges { node { status listing { title provider { name } category { name } } client { displayName ageBand }
        budget { availablePence } committedPence totalCostPence visits(first: 5) { nodes { startsAt costPence } } approval { required } } } }
    }`;
    const bookings = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const { user, client } = await aClientUser(api.db);
        const listing = await aListing(api.db, await aProvider(api.db));
        await aBookingRow(api.db, await aBudget(api.db, client), listing, user);
      }
    };
    await bookings(3);
    const few = await api.sql.during(() => api.execute(query, {}, { as: commissioner }));
    expect(few.result.errors).toBeUndefined();
    await bookings(27);
    const many = await api.sql.during(() => api.execute(query, {}, { as: commissioner }));
    expect(many.statements).toHaveLength(few.statements.length);
    expect(many.statements.length).toBeLessThanOrEqual(11);
  });

  it("a commissioner's packages with client, budget, broker, items and their listings and bookings cost the same for 2 or 20", async () => {
    const commissioner = await aCommissioner(api.db);
    const query = `{ packages(first: 50) { totalCount nodes { status client { displayName } broker { displayName } budget { availablePence }
      annualCostPence savingPence fitsBudget items { costPence listing { title provider { name } } booking { status } } } } }`;
    const packages = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const client = await aClient(api.db);
        const broker = await aBroker(api.db, client);
        const budget = await aBudget(api.db, client);
        const { createPackage } = await api.data<{ createPackage: { package: { id: string } } }>(
          "mutation ($input: CreatePackageInput!) { createPackage(input: $input) { package { id } } }",
          { input: { clientId: toGlobalId("Client", client.id), budgetId: toGlobalId("Budget", budget.id) } },
          { as: broker },
        );
        for (const day of [6, 7]) {
          await api.data(
            "mutation ($input: AddPackageItemInput!) { addPackageItem(input: $input) { userErrors { code } } }",
            {
              input: {
                packageId: createPackage.package.id,
                listingId: toGlobalId("Listing", (await aListing(api.db, await aProvider(api.db))).id),
                startsAt: `2026-04-0${day}T09:00:00Z`,
              },
            },
            { as: broker },
          );
        }
      }
    };
    api.clock.set("2026-03-01T10:00:00Z");
    await packages(2);
    const few = await api.sql.during(() => api.execute(query, {}, { as: commissioner }));
    expect(few.result.errors).toBeUndefined();
    await packages(18);
    const many = await api.sql.during(() => api.execute(query, {}, { as: commissioner }));
    expect(many.statements).toHaveLength(few.statements.length);
    expect(many.statements.length).toBeLessThanOrEqual(8);
  });
});
