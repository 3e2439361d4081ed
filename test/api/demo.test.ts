import { loadDemoData } from "../../src/demo/demo-data";
import { UserEntity } from "../../src/modules/auth/user.entity";
import { ProviderKind } from "../../src/modules/providers";
import { Role } from "../../src/shared/auth";
import { useApi } from "../support/api";

describe("demo data", () => {
  const api = useApi();

  it("fills an empty database once: providers of every kind, realistic prices, a user of every role", async () => {
    expect(await loadDemoData(api.app)).toBe(true);
    expect(await loadDemoData(api.app)).toBe(false);

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
    await loadDemoData(api.app);
    const data = await api.data<{ listings: { edges: { node: { provider: { name: string } } }[] } }>(
      `{ listings(first: 10, filter: { categoryCodes: ["PA_SUPPORT"], fundingBodyCode: "E09000024" }) { edges { node { title pricePence provider { name } } } } }`,
    );
    expect(data.listings.edges.length).toBe(10);
  });

  it("gives the demo client a budget and a booking made the real way", async () => {
    await loadDemoData(api.app);
    const carol = await api.db.getRepository(UserEntity).findOneByOrFail({ email: "client@example.org" });
    const data = await api.data<{
      viewer: { client: { budgets: { committedPence: number }[] } };
      bookings: { totalCount: number; nodes: { visits: { totalCount: number } }[] };
    }>(
      "{ viewer { client { displayName budgets { allocatedPence committedPence availablePence } } } bookings { totalCount nodes { status visits { totalCount } } } }",
      {},
      { as: carol },
    );
    expect(data.viewer.client.budgets[0].committedPence).toBeGreaterThan(0);
    expect(data.bookings.totalCount).toBe(1);
    expect(data.bookings.nodes[0].visits.totalCount).toBeGreaterThan(0);
    expect(await api.db.query("SELECT count(*)::int AS n FROM reference_rates")).toEqual([{ n: 14 }]);
  });

  it("gives the demo broker a group session at the care home and a draft package for Carol", async () => {
    await loadDemoData(api.app);
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
