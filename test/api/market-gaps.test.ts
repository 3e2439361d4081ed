import type { AddressInfo } from "node:net";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import type { ClientEntity } from "../../src/modules/budgets/client.entity";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBudget, aClient, aClientUser, aCommissioner, aListing, anAdmin, aProvider, aProviderMember, LEICESTERSHIRE, MERTON } from "../support/factories";

type Gap = {
  categoryCode: string;
  postcodeDistrict: string;
  quoteRequestsUnanswered: number;
  planningRefusals: number;
  clientsAffected: number;
  referenceRatePence: number | null;
  referenceRateUnit: string | null;
};
const GAPS = `query ($code: String!, $from: LocalDate!, $to: LocalDate!) { marketGaps(fundingBodyCode: $code, from: $from, to: $to) {
  fundingBodyCode from to rows { categoryCode postcodeDistrict quoteRequestsUnanswered planningRefusals clientsAffected referenceRatePence referenceRateUnit } } }`;
const MARCH = { code: MERTON, from: "2026-03-01", to: "2026-03-31" };

describe("marketGaps", () => {
  const api = useApi();
  let commissioner: UserEntity;
  let provider: { user: UserEntity; listingId: string };
  let a: { user: UserEntity; client: ClientEntity };
  let b: { user: UserEntity; client: ClientEntity };
  let c: { user: UserEntity; client: ClientEntity };

  beforeEach(async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    commissioner = await aCommissioner(api.db);
    const member = await aProviderMember(api.db, await aProvider(api.db));
    provider = { user: member.user, listingId: (await aListing(api.db, member.provider, { categoryCode: "PERSONAL_CARE", pricePence: 2400 })).id };
    a = await aClientUser(api.db);
    b = await aClientUser(api.db);
    c = await aClientUser(api.db, await aClient(api.db, { postcodeDistrict: "CR4" }));
    for (const who of [a, b]) await aBudget(api.db, who.client);
    await api.data(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      { input: { fundingBodyCode: MERTON, categoryCode: "PERSONAL_CARE", unit: "HOUR", ratePence: 2200, validFrom: "2023-08-21", source: "test" } },
      { as: commissioner },
    );
  });

  async function request(who: { user: UserEntity; client: ClientEntity }, startsOn: string): Promise<string> {
    const input = {
      clientId: toGlobalId("Client", who.client.id),
      categoryCode: "PERSONAL_CARE",
      description: "Help getting up.",
      unitsPerWeek: 5,
      schedule: "Weekdays 08:00-09:00",
      startsOn,
      endsOn: "2026-04-30",
    };
    const { requestQuote } = await api.data<{ requestQuote: { quoteRequest: { id: string }; userErrors: unknown[] } }>(
      "mutation ($input: RequestQuoteInput!) { requestQuote(input: $input) { quoteRequest { id } userErrors { code } } }",
      { input },
      { as: who.user },
    );
    expect(requestQuote.userErrors).toEqual([]);
    return requestQuote.quoteRequest.id;
  }

  async function quote(requestId: string, startsAt: string): Promise<void> {
    const input = {
      requestId,
      listingId: toGlobalId("Listing", provider.listingId),
      unitPricePence: 2300,
      startsAt,
      recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
      validUntil: "2026-03-04T00:00:00Z",
    };
    const { submitQuote } = await api.data<{ submitQuote: { userErrors: unknown[] } }>(
      "mutation ($input: SubmitQuoteInput!) { submitQuote(input: $input) { userErrors { code message } } }",
      { input },
      { as: provider.user },
    );
    expect(submitQuote.userErrors).toEqual([]);
  }

  /** Plans a NURSING need no listing serves: refused NO_PROVIDER. */
  async function refusedPlan(who: { user: UserEntity; client: ClientEntity }): Promise<void> {
    const budgetId: string = (await api.db.query("SELECT id FROM budgets WHERE client_id = $1", [who.client.id]))[0].id;
    const { planPackage } = await api.data<{ planPackage: { plan: { unmet: { reason: string }[] } } }>(
      "mutation ($input: PlanPackageInput!) { planPackage(input: $input) { plan { unmet { reason } } } }",
      {
        input: {
          clientId: toGlobalId("Client", who.client.id),
          budgetId: toGlobalId("Budget", budgetId),
          needs: [{ categoryCode: "NURSING", unitsPerWeek: 3 }],
        },
      },
      { as: who.user },
    );
    expect(planPackage.plan.unmet.map((u) => u.reason)).toEqual(["NO_PROVIDER"]);
  }

  async function gaps(as: UserEntity, vars: Record<string, unknown> = MARCH): Promise<Gap[]> {
    return (await api.data<{ marketGaps: { rows: Gap[] } }>(GAPS, vars, { as })).marketGaps.rows;
  }

  async function aMarch(): Promise<void> {
    await request(a, "2026-03-05"); // lapses unanswered
    await quote(await request(a, "2026-03-06"), "2026-03-06T08:00:00Z"); // answered
    await request(b, "2026-03-20"); // not lapsed by the 10th
    await request(c, "2026-03-05"); // lapses unanswered, in CR4
    await refusedPlan(a);
    await refusedPlan(a);
    await refusedPlan(b);
    api.clock.set("2026-03-10T10:00:00Z");
  }

  it("lists lapsed unanswered requests and refused plans by category and district, with distinct clients and the rate", async () => {
    await aMarch();
    const { statements, result } = await api.sql.during(() => api.execute<{ marketGaps: { rows: Gap[] } }>(GAPS, MARCH, { as: commissioner }));
    expect(statements).toHaveLength(1);
    expect(result.data?.marketGaps.rows).toEqual([
      {
        categoryCode: "NURSING",
        postcodeDistrict: "SW19",
        quoteRequestsUnanswered: 0,
        planningRefusals: 3,
        clientsAffected: 2,
        referenceRatePence: null,
        referenceRateUnit: null,
      },
      {
        categoryCode: "PERSONAL_CARE",
        postcodeDistrict: "CR4",
        quoteRequestsUnanswered: 1,
        planningRefusals: 0,
        clientsAffected: 1,
        referenceRatePence: 2200,
        referenceRateUnit: "HOUR",
      },
      {
        categoryCode: "PERSONAL_CARE",
        postcodeDistrict: "SW19",
        quoteRequestsUnanswered: 1,
        planningRefusals: 0,
        clientsAffected: 1,
        referenceRatePence: 2200,
        referenceRateUnit: "HOUR",
      },
    ]);
    // Once the 20th has passed, b's request has lapsed too: two clients in SW19.
    api.clock.set("2026-03-21T10:00:00Z");
    expect((await gaps(commissioner)).find((g) => g.categoryCode === "PERSONAL_CARE" && g.postcodeDistrict === "SW19")).toMatchObject({
      quoteRequestsUnanswered: 2,
      clientsAffected: 2,
    });
    // Outside the period: nothing.
    expect(await gaps(commissioner, { ...MARCH, from: "2026-04-01", to: "2026-04-30" })).toEqual([]);
  });

  it("does not count a cancelled request, nor a plan refused only for money", async () => {
    const id = await request(a, "2026-03-05");
    await api.db.query("UPDATE quote_requests SET status = 'CANCELLED'"); // the client withdrew it
    expect(id).toBeTruthy();
    const poor = await aClientUser(api.db);
    const budget = await aBudget(api.db, poor.client, { allocatedPence: 100 });
    const { planPackage } = await api.data<{ planPackage: { plan: { unmet: { reason: string }[] } } }>(
      "mutation ($input: PlanPackageInput!) { planPackage(input: $input) { plan { unmet { reason } } } }",
      {
        input: {
          clientId: toGlobalId("Client", poor.client.id),
          budgetId: toGlobalId("Budget", budget.id),
          needs: [{ categoryCode: "PERSONAL_CARE", unitsPerWeek: 7 }],
        },
      },
      { as: poor.user },
    );
    expect(planPackage.plan.unmet.map((u) => u.reason)).toEqual(["OVER_BUDGET"]);
    api.clock.set("2026-03-10T10:00:00Z");
    expect(await gaps(commissioner)).toEqual([]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM planning_refusals")).toEqual([{ n: 0 }]);
  });

  it("is for the funding body's commissioners and admins", async () => {
    await aMarch();
    expect(await gaps(await anAdmin(api.db))).toHaveLength(3);
    for (const user of [await aCommissioner(api.db, LEICESTERSHIRE), provider.user]) {
      const result = await api.execute(GAPS, MARCH, { as: user });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    }
  });

  it("is also a CSV file, with the same bearer token", async () => {
    await aMarch();
    await new Promise<void>((resolve) => api.app.http.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(api.app.http.address() as AddressInfo).port}/reports/market-gaps.csv?fundingBodyCode=${MERTON}&from=2026-03-01&to=2026-03-31`;
    try {
      const token = await api.app.services.tokens.issue(commissioner.subject);
      const ok = await fetch(base, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^text\/csv/);
      expect((await ok.text()).split("\r\n")).toEqual([
        "categoryCode,postcodeDistrict,quoteRequestsUnanswered,planningRefusals,clientsAffected,referenceRatePence,referenceRateUnit",
        "NURSING,SW19,0,3,2,,",
        "PERSONAL_CARE,CR4,1,0,1,2200,HOUR",
        "PERSONAL_CARE,SW19,1,0,1,2200,HOUR",
        "",
      ]);
      expect((await fetch(base)).status).toBe(401);
      const other = await api.app.services.tokens.issue((await aCommissioner(api.db, LEICESTERSHIRE)).subject);
      expect((await fetch(base, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
      expect((await fetch(base.replace("from=2026-03-01", "from=March"), { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
    } finally {
      api.app.http.close();
    }
  });
});
