/**
 * Budget reviews (issue 12, item 2; DOMAIN.md rule 7, reg. 7): recorded by the funding body's
 * commissioners, the first due within six months of the budget's start, then twelve months after
 * each review by default; overdue budgets are flagged, listed and counted in the efficiency report.
 */
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi } from "../support/api";
import { aBudget, aClient, aClientUser, aCommissioner, anAdmin, aProviderMember, LEICESTERSHIRE, MERTON } from "../support/factories";

type Errors = { code: string; message: string; field: string[] }[];
interface Review {
  id: string;
  reviewedOn: string;
  outcome: string;
  notes: string;
  nextReviewDueOn: string;
  recordedBy: { id: string } | null;
  budget: { reviewDueOn: string; reviewOverdue: boolean; reviews: { totalCount: number; nodes: { id: string }[] } };
}

const RECORD = /* GraphQL */ `
  mutation ($input: RecordBudgetReviewInput!) {
    recordBudgetReview(input: $input) {
      review { id reviewedOn outcome notes nextReviewDueOn recordedBy { id }
               budget { reviewDueOn reviewOverdue reviews { totalCount nodes { id } } } }
      userErrors { code message field }
    }
  }
`;
const BUDGET = /* GraphQL */ `
  query ($id: ID!) { budget(id: $id) { reviewDueOn reviewOverdue } }
`;
const OVERDUE = /* GraphQL */ `
  query ($code: String!, $first: Int, $after: String) {
    overdueReviews(fundingBodyCode: $code, first: $first, after: $after) { totalCount nodes { id reviewDueOn } pageInfo { hasNextPage endCursor } }
  }
`;
const CREATE_BUDGET = /* GraphQL */ `
  mutation ($input: CreateBudgetInput!) { createBudget(input: $input) { budget { id reviewDueOn } userErrors { code } } }
`;
const REPORT = /* GraphQL */ `
  query ($groupBy: [ReportDimension!]!) {
    efficiencyReport(fundingBodyCode: "${MERTON}", from: "2026-04-01", to: "2027-03-31", groupBy: $groupBy) {
      rows { measures { reviewsOverdue } } totals { reviewsOverdue }
    }
  }
`;

describe("budget reviews", () => {
  const api = useApi();

  async function aWorld() {
    api.clock.set("2026-09-15T09:00:00Z");
    const commissioner = await aCommissioner(api.db);
    const client = await aClient(api.db);
    const budget = await aBudget(api.db, client);
    return { commissioner, client, budget, budgetId: toGlobalId("Budget", budget.id) };
  }

  async function record(as: Awaited<ReturnType<typeof aCommissioner>>, input: Record<string, unknown>) {
    return api.execute<{ recordBudgetReview: { review: Review | null; userErrors: Errors } }>(
      RECORD,
      { input: { outcome: "CONTINUE", reviewedOn: "2026-09-10", idempotencyKey: aKey(), ...input } },
      { as },
    );
  }

  it("records a review; the next is due twelve months later and becomes the budget's review date", async () => {
    const w = await aWorld();
    const result = await record(w.commissioner, { budgetId: w.budgetId, notes: "Support working well." });
    expect(result.errors).toBeUndefined();
    const { review, userErrors } = result.data!.recordBudgetReview;
    expect(userErrors).toEqual([]);
    expect(review).toEqual({
      id: expect.any(String),
      reviewedOn: "2026-09-10",
      outcome: "CONTINUE",
      notes: "Support working well.",
      nextReviewDueOn: "2027-09-10",
      recordedBy: { id: toGlobalId("User", w.commissioner.id) },
      budget: { reviewDueOn: "2027-09-10", reviewOverdue: false, reviews: { totalCount: 1, nodes: [{ id: review!.id }] } },
    });
    const [row] = await api.db.query("SELECT funding_body_code FROM budget_reviews");
    expect(row.funding_body_code).toBe(MERTON);
  });

  it("takes a given next review date, and an older review does not move the budget's date back", async () => {
    const w = await aWorld();
    const first = await record(w.commissioner, { budgetId: w.budgetId, outcome: "CHANGE_ALLOCATION", nextReviewDueOn: "2027-01-10" });
    expect(first.data!.recordBudgetReview.review!.budget.reviewDueOn).toBe("2027-01-10");
    const older = await record(w.commissioner, { budgetId: w.budgetId, reviewedOn: "2026-06-01" });
    expect(older.data!.recordBudgetReview.review).toMatchObject({
      nextReviewDueOn: "2027-06-01",
      budget: {
        reviewDueOn: "2027-01-10",
        reviews: { totalCount: 2, nodes: [{ id: first.data!.recordBudgetReview.review!.id }, { id: older.data!.recordBudgetReview.review!.id }] },
      },
    });
  });

  it("is idempotent: a retry gets the first review; the same key for another review is refused", async () => {
    const w = await aWorld();
    const idempotencyKey = aKey();
    const input = { budgetId: w.budgetId, notes: "Once", idempotencyKey };
    const first = await record(w.commissioner, input);
    const retry = await record(w.commissioner, input);
    expect(retry.data!.recordBudgetReview.review!.id).toBe(first.data!.recordBudgetReview.review!.id);
    const reused = await record(w.commissioner, { ...input, notes: "Another" });
    expect(reused.data!.recordBudgetReview.userErrors.map((e) => e.code)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM budget_reviews")).toEqual([{ n: 1 }]);
  });

  it("refuses a future review, a next review before it, and long notes, saying what to do", async () => {
    const w = await aWorld();
    const result = await record(w.commissioner, { budgetId: w.budgetId, reviewedOn: "2026-09-16", nextReviewDueOn: "2026-09-01", notes: "x".repeat(2001) });
    expect(result.data!.recordBudgetReview).toEqual({
      review: null,
      userErrors: [
        { code: "INVALID_VALUE", message: "A review is recorded once it has taken place: give today or an earlier day.", field: ["input", "reviewedOn"] },
        { code: "INVALID_VALUE", message: "The next review cannot be due before this one: give a later day.", field: ["input", "nextReviewDueOn"] },
        { code: "INVALID_VALUE", message: "Notes are at most 2000 characters: shorten them.", field: ["input", "notes"] },
      ],
    });
    const today = await record(w.commissioner, { budgetId: w.budgetId, reviewedOn: "2026-09-15", nextReviewDueOn: "2026-09-15", notes: "x".repeat(2000) });
    expect(today.data!.recordBudgetReview.userErrors).toEqual([]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM budget_reviews")).toEqual([{ n: 1 }]);
  });

  it("is for the budget's funding body: others are told it was not found, or that their role may not", async () => {
    const w = await aWorld();
    const missing = await record(w.commissioner, { budgetId: toGlobalId("Budget", randomUUID()) });
    expect(missing.data!.recordBudgetReview.userErrors.map((e) => [e.code, e.field])).toEqual([["NOT_FOUND", ["input", "budgetId"]]]);
    const other = await record(await aCommissioner(api.db, LEICESTERSHIRE), { budgetId: w.budgetId });
    expect(other.data!.recordBudgetReview.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    for (const user of [(await aProviderMember(api.db)).user, (await aClientUser(api.db, w.client)).user]) {
      const denied = await record(user, { budgetId: w.budgetId });
      expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    }
    const admin = await record(await anAdmin(api.db), { budgetId: w.budgetId });
    expect(admin.data!.recordBudgetReview.userErrors).toEqual([]);
    expect(await api.db.query("SELECT count(*)::int AS n FROM budget_reviews")).toEqual([{ n: 1 }]);
  });

  it("is overdue the day after six months from the start without a review, and twelve months after the last one", async () => {
    api.clock.set("2026-04-01T09:00:00Z");
    const commissioner = await aCommissioner(api.db);
    const client = await aClient(api.db);
    const { createBudget } = await api.data<{ createBudget: { budget: { id: string; reviewDueOn: string } } }>(
      CREATE_BUDGET,
      {
        input: {
          clientId: toGlobalId("Client", client.id),
          kind: "PERSONAL_BUDGET",
          management: "DIRECT_PAYMENT",
          periodStart: "2026-04-01",
          periodEnd: "2027-03-31",
          allocatedPence: 100_000,
          coveredCategoryCodes: ["PA_SUPPORT"],
          idempotencyKey: aKey(),
        },
      },
      { as: commissioner },
    );
    const id = createBudget.budget.id;
    expect(createBudget.budget.reviewDueOn).toBe("2026-10-01");
    const overdueOn = async (instant: string) => {
      api.clock.set(instant);
      const { budget } = await api.data<{ budget: { reviewOverdue: boolean } }>(BUDGET, { id }, { as: commissioner });
      const { overdueReviews } = await api.data<{ overdueReviews: { nodes: { id: string }[] } }>(OVERDUE, { code: MERTON }, { as: commissioner });
      expect(overdueReviews.nodes.some((b) => b.id === id)).toBe(budget.reviewOverdue);
      return budget.reviewOverdue;
    };
    expect(await overdueOn("2026-10-01T12:00:00Z")).toBe(false);
    expect(await overdueOn("2026-10-02T09:00:00Z")).toBe(true);
    expect((await record(commissioner, { budgetId: id, reviewedOn: "2026-10-02" })).data!.recordBudgetReview.userErrors).toEqual([]);
    expect(await overdueOn("2026-10-02T10:00:00Z")).toBe(false);
    expect(await overdueOn("2027-10-02T12:00:00Z")).toBe(false);
    expect(await overdueOn("2027-10-03T09:00:00Z")).toBe(true);
  });

  it("lists overdue budgets most overdue first, a page at a time, for the funding body's commissioners only", async () => {
    const w = await aWorld();
    const later = await aBudget(api.db, await aClient(api.db), { reviewDueOn: "2026-09-01" });
    await aBudget(api.db, await aClient(api.db), { reviewDueOn: "2026-09-15" });
    await aBudget(api.db, await aClient(api.db, { fundingBodyCode: LEICESTERSHIRE }), { reviewDueOn: "2026-01-01" });
    await api.db.query("UPDATE budgets SET review_due_on = '2026-08-01' WHERE id = $1", [w.budget.id]);
    type Page = { overdueReviews: { totalCount: number; nodes: { id: string; reviewDueOn: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await api.data<Page>(OVERDUE, { code: MERTON, first: 1 }, { as: w.commissioner });
    expect(first.overdueReviews).toMatchObject({ totalCount: 2, nodes: [{ id: w.budgetId, reviewDueOn: "2026-08-01" }], pageInfo: { hasNextPage: true } });
    const second = await api.data<Page>(OVERDUE, { code: MERTON, first: 1, after: first.overdueReviews.pageInfo.endCursor }, { as: w.commissioner });
    expect(second.overdueReviews).toMatchObject({ nodes: [{ id: toGlobalId("Budget", later.id) }], pageInfo: { hasNextPage: false } });
    for (const user of [await aCommissioner(api.db, LEICESTERSHIRE), (await aProviderMember(api.db)).user, (await aClientUser(api.db, w.client)).user]) {
      const denied = await api.execute(OVERDUE, { code: MERTON }, { as: user });
      expect(denied.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    }
  });

  it("counts overdue reviews in the efficiency report's totals and its CSV; grouped rows leave it out", async () => {
    const w = await aWorld();
    await aBudget(api.db, await aClient(api.db), { reviewDueOn: "2026-09-14" });
    await aBudget(api.db, await aClient(api.db), { reviewDueOn: "2026-09-15" }); // due today: not yet overdue
    await aBudget(api.db, await aClient(api.db), { reviewDueOn: "2025-01-01", periodStart: "2025-04-01", periodEnd: "2026-03-31" }); // another period
    await api.db.query("UPDATE budgets SET review_due_on = '2026-08-01' WHERE id = $1", [w.budget.id]);
    const flat = await api.data<{ efficiencyReport: { rows: { measures: { reviewsOverdue: number | null } }[]; totals: { reviewsOverdue: number } } }>(
      REPORT,
      { groupBy: [] },
      { as: w.commissioner },
    );
    expect(flat.efficiencyReport).toEqual({ rows: [{ measures: { reviewsOverdue: 2 } }], totals: { reviewsOverdue: 2 } });
    const reviewed = await record(w.commissioner, { budgetId: w.budgetId, reviewedOn: "2026-09-15" });
    expect(reviewed.data!.recordBudgetReview.userErrors).toEqual([]);

    await new Promise<void>((resolve) => api.app.http.listen(0, "127.0.0.1", resolve));
    try {
      const port = (api.app.http.address() as AddressInfo).port;
      const token = await api.app.services.tokens.issue(w.commissioner.subject);
      const csv = await fetch(`http://127.0.0.1:${port}/reports/efficiency.csv?fundingBodyCode=${MERTON}&from=2026-04-01&to=2027-03-31&groupBy=CATEGORY`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const [header, ...rest] = (await csv.text()).trim().split("\r\n");
      const column = header.split(",").indexOf("reviewsOverdue");
      expect(column).toBeGreaterThan(0);
      expect(rest.at(-1)!.split(",")[column]).toBe("1");
    } finally {
      api.app.http.close();
    }
  });
});
