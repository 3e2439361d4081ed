import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadDemoData } from "../../src/demo/demo-data";
import { UserEntity } from "../../src/modules/auth/user.entity";
import { ProviderKind } from "../../src/modules/providers";
import { Role } from "../../src/shared/auth";
import { useApi } from "../support/api";

describe("demo data", () => {
  const api = useApi();

  it("fills an empty database once: providers of every kind, realistic prices, a user of every role", async () => {
    expect(await loadDemoData(api.app, api.clock)).toBe(true);
    expect(await loadDemoData(api.app, api.clock)).toBe(false);

    const kinds: { kind: string; providers: number }[] = await api.db.query("SELECT kind, count(*)::int AS providers FROM providers GROUP BY kind");
    expect(kinds.map((k) => k.kind).sort()).toEqual(Object.values(ProviderKind).sort());
    expect(kinds.reduce((sum, k) => sum + k.providers, 0)).toBeGreaterThanOrEqual(40);

    const [{ listings }] = await api.db.query("SELECT count(*)::int AS listings FROM listings");
    expect(listings).toBeGreaterThanOrEqual(150);

    const hourly = async (category: string, kind: ProviderKind) => {
      const [range] = await api.db.query(
        `SELECT min(price_pence) AS min, max(price_pence) AS max FROM listings l JOIN providers p ON p.id = l.provider_id
         WHERE l.category_code = $1 AND p.kind = $2 AND l.unit = 'HOUR' AND l.rate_type = 'STANDARD'`,
        [category, kind],
      );
      return range;
    };
    const pa = await hourly("PA_SUPPORT", ProviderKind.PERSONAL_ASSISTANT);
    expect(pa.min).toBeGreaterThanOrEqual(1300);
    expect(pa.max).toBeLessThanOrEqual(2400);
    const agency = await hourly("PERSONAL_CARE", ProviderKind.HOME_CARE_AGENCY);
    expect(agency.min).toBeGreaterThanOrEqual(2000);
    expect(agency.max).toBeLessThanOrEqual(3000);

    const users: { email: string; roles: string; provider_id: string | null; funding_body_code: string | null }[] = await api.db.query(
      "SELECT email, roles::text, provider_id, funding_body_code FROM users ORDER BY email",
    );
    expect(users.map((u) => u.roles).sort()).toEqual(
      Object.values(Role)
        .map((r) => `{${r}}`)
        .sort(),
    );
    expect(users.find((u) => u.email === "provider@example.org")?.provider_id).toEqual(expect.any(String));
    expect(users.find((u) => u.email === "commissioner@example.org")?.funding_body_code).toBe("E09000024");
  });

  it("is searchable the way the README shows", async () => {
    await loadDemoData(api.app, api.clock);
    const data = await api.data<{ listings: { edges: { node: { provider: { name: string } } }[] } }>(
      `{ listings(first: 10, filter: { categoryCodes: ["PA_SUPPORT"], fundingBodyCode: "E09000024" }) { edges { node { title pricePence provider { name } } } } }`,
    );
    expect(data.listings.edges.length).toBe(10);
  });

  it("gives the demo client last year's closed budget, this year's, and bookings made the real way", async () => {
    await loadDemoData(api.app, api.clock);
    const carol = await api.db.getRepository(UserEntity).findOneByOrFail({ email: "client@example.org" });
    const data = await api.data<{
      viewer: { client: { budgets: { status: string; committedPence: number; spentPence: number }[] } };
      bookings: { totalCount: number; nodes: { status: string; visits: { totalCount: number } }[] };
    }>(
      "{ viewer { client { displayName budgets { status allocatedPence committedPence spentPence availablePence } } } bookings { totalCount nodes { status visits { totalCount } } } }",
      {},
      { as: carol },
    );
    const budgets = data.viewer.client.budgets;
    expect(budgets.map((b) => b.status).sort()).toEqual(["CLOSED", "OPEN"]);
    const open = budgets.find((b) => b.status === "OPEN")!;
    expect(open.committedPence).toBeGreaterThan(0);
    expect(data.bookings.totalCount).toBeGreaterThanOrEqual(2); // last year's, this year's so far (none in its first fortnight), tomorrow's
    // Lived-through bookings are COMPLETED; tomorrow's waits for Pat to confirm it.
    const statuses = data.bookings.nodes.map((b) => b.status).sort();
    expect(statuses).toEqual([...statuses.slice(0, -1).map(() => "COMPLETED"), "REQUESTED"]);
    expect(data.bookings.nodes.every((b) => b.visits.totalCount > 0)).toBe(true);
    expect(await api.db.query("SELECT count(*)::int AS n FROM reference_rates")).toEqual([{ n: 14 }]);
  });

  it("holds a finished year: savings returned and absorbed, a dispute upheld, a payment run paid, surpluses reclaimed and carried forward", async () => {
    await loadDemoData(api.app, api.clock);
    const commissioner = await api.db.getRepository(UserEntity).findOneByOrFail({ email: "commissioner@example.org" });
    const [{ start }] = await api.db.query("SELECT min(period_start)::text AS start FROM budgets");
    const end = `${Number(start.slice(0, 4)) + 1}-03-31`;
    // README's query, for the financial year before today's.
    const readme = readFileSync(join(__dirname, "../../README.md"), "utf8");
    const query = /```graphql\n(\{\n  efficiencyReport[\s\S]*?)```/
      .exec(readme)![1]
      .replace(/"\d{4}-04-01"/, `"${start}"`)
      .replace(/"\d{4}-03-31"/, `"${end}"`);
    const { efficiencyReport } = await api.data<{ efficiencyReport: { totals: Record<string, number>; rows: unknown[] } }>(query, {}, { as: commissioner });
    expect(efficiencyReport.rows.length).toBeGreaterThanOrEqual(4); // April to August at least
    const t = efficiencyReport.totals;
    expect(t.visits).toBeGreaterThanOrEqual(30);
    expect(t.savingPence).toBeGreaterThan(0);
    expect(t.returnedPence).toBeGreaterThan(0);
    expect(t.absorbedPence).toBeGreaterThan(0);
    expect(t.upheldPence).toBeGreaterThan(0);
    expect(t.paidPence).toBeGreaterThan(0);
    expect(t.reclaimedPence).toBeGreaterThan(0);
    expect(t.carriedForwardPence).toBeGreaterThan(0);
    expect(t.surplusPence).toBe(t.reclaimedPence + t.carriedForwardPence);
    const closed = await api.db.query(
      "SELECT disposal, reclaimed_pence > 0 AS reclaimed, carried_forward_pence > 0 AS carried FROM budgets WHERE status = 'CLOSED' ORDER BY disposal",
    );
    expect(closed).toEqual([
      { disposal: "RECLAIM", reclaimed: true, carried: false },
      { disposal: "CARRY_FORWARD", reclaimed: false, carried: true },
    ]);
    expect(await api.db.query("SELECT status FROM payment_runs")).toEqual([{ status: "PAID" }]);
    const { marketGaps } = await api.data<{ marketGaps: { rows: { categoryCode: string; quoteRequestsUnanswered: number; clientsAffected: number }[] } }>(
      `query ($from: LocalDate!, $to: LocalDate!) { marketGaps(fundingBodyCode: "E09000024", from: $from, to: $to) { rows { categoryCode quoteRequestsUnanswered clientsAffected } } }`,
      { from: start, to: end },
      { as: commissioner },
    );
    expect(marketGaps.rows).toEqual([{ categoryCode: "NIGHT_CARE", quoteRequestsUnanswered: 1, clientsAffected: 1 }]);
    expect(await api.db.query("SELECT outcome, next_review_due_on::text AS next FROM budget_reviews")).toEqual([
      { outcome: "CONTINUE", next: `${Number(start.slice(0, 4)) + 1}-10-01` },
    ]);
  });

  it("gives the demo broker a group session at the care home and a draft package for Carol", async () => {
    await loadDemoData(api.app, api.clock);
    const broker = await api.db.getRepository(UserEntity).findOneByOrFail({ email: "broker@example.org" });
    const data = await api.data<{
      packages: { nodes: { status: string; client: { displayName: string }; items: unknown[]; fitsBudget: boolean }[] };
      bookings: { nodes: { groupShare: { sharePence: number; alonePence: number } | null; client: { displayName: string } }[] };
    }>(
      "{ packages(first: 5) { nodes { status client { displayName } items { costPence } fitsBudget } } bookings(first: 20) { nodes { client { displayName } groupShare { sharePence alonePence } } } }",
      {},
      { as: broker },
    );
    expect(data.packages.nodes).toEqual([expect.objectContaining({ status: "DRAFT", client: { displayName: "Carol Client" }, fitsBudget: true })]);
    expect(data.packages.nodes[0].items).toHaveLength(2);
    const shares = data.bookings.nodes.filter((b) => b.groupShare);
    expect(shares.map((b) => b.client.displayName).sort()).toEqual(["Mr Ahmed", "Mr Price", "Mrs Okafor"]);
    const [{ alonePence }] = shares.map((b) => b.groupShare!);
    expect(shares.reduce((sum, b) => sum + b.groupShare!.sharePence, 0)).toBe(alonePence);
  });
});
