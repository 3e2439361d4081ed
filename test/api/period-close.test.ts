/**
 * closeBudget (issue 12, item 1): the period must be over and every visit recorded and answered;
 * what is still committed is released, the surplus fixed, then reclaimed (CLAWBACK), carried to the
 * next period's budget, or kept. A closed budget takes no new commitments.
 */
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aBudget, aCommissioner, aUser, LEICESTERSHIRE, ledgerMismatches } from "../support/factories";
import { budgetFigures, closeBudget } from "../support/period-close";
import { aWorld, book, confirmVisit, correctVisit, disputeVisit, recordVisit, resolveDispute } from "../support/settlement";
import { Role } from "../../src/shared/auth";

describe("closeBudget", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  /** 4 delivered hours at 1500p (6,000p spent) of a 1,000,000p budget, and 2 hours still booked. */
  async function aYear() {
    api.clock.set("2026-04-01T08:00:00Z");
    const w = await aWorld(api);
    const delivered = await book(api, w.pa, w.holder, w.budget, "2026-04-06T09:00:00Z", 4);
    const later = await book(api, w.pa, w.holder, w.budget, "2026-05-04T09:00:00Z", 2);
    api.clock.set("2026-04-28T12:00:00Z");
    for (const visitId of delivered) expect((await recordVisit(api, w.pa.user, visitId)).userErrors).toEqual([]);
    return { ...w, delivered, later };
  }

  it("refuses before the period is over, and says until when", async () => {
    const w = await aYear();
    const result = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "RECLAIM" });
    expect(result.userErrors).toEqual([
      { code: "PERIOD_NOT_OVER", message: "The budget's period runs to 2027-03-31: close it from the day after.", field: ["input", "budgetId"] },
    ]);
  });

  it("refuses while visits are scheduled, awaiting confirmation or disputed, then closes once they are settled", async () => {
    const w = await aYear();
    await disputeVisit(api, w.holder, w.delivered[0]);
    await confirmVisit(api, w.holder, w.delivered[1]);
    api.clock.set("2027-04-01T09:00:00Z");
    const refused = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "RECLAIM" });
    expect(refused.userErrors).toEqual([
      {
        code: "VISITS_UNSETTLED",
        message:
          "The period cannot close yet: 2 visit(s) still scheduled: record them as delivered or missed, or cancel their bookings; 2 delivered visit(s) awaiting confirmation: the client confirms them, or the window does; 1 visit(s) disputed: resolve the disputes.",
        field: ["input", "budgetId"],
      },
    ]);
    for (const visitId of w.later) expect((await recordVisit(api, w.pa.user, visitId, { outcome: "MISSED" })).userErrors).toEqual([]);
    expect(await api.app.services.confirmations.confirmDue()).toBe(2);
    expect((await resolveDispute(api, w.commissioner, w.delivered[0], "UPHELD")).userErrors).toEqual([]);
    const closed = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "RECLAIM", reason: "Unspent at year end" });
    expect(closed.userErrors).toEqual([]);
    // 3 hours paid (one upheld): 4,500p spent of 1,000,000p.
    expect(closed.budget).toMatchObject({
      status: "CLOSED",
      disposal: "RECLAIM",
      committedPence: 0,
      spentPence: 4_500,
      surplusPence: 995_500,
      reclaimedPence: 995_500,
      carriedForwardPence: 0,
      availablePence: 0,
    });
  });

  it("releases what is still committed, keeps the surplus under KEEP, and then takes no new commitments (nor in the database)", async () => {
    const w = await aYear();
    api.clock.set("2027-04-01T09:00:00Z");
    await api.app.services.confirmations.confirmDue();
    // The two later visits were never recorded: cancelled without their release (as an old bug might leave them).
    await api.db.query("UPDATE visits SET status = 'CANCELLED' WHERE id = ANY($1)", [
      w.later.map((id) => Buffer.from(id, "base64url").toString().split(":")[1]),
    ]);
    const closed = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "KEEP" });
    expect(closed.userErrors).toEqual([]);
    expect(closed.budget).toMatchObject({
      status: "CLOSED",
      committedPence: 0,
      spentPence: 6_000,
      surplusPence: 994_000,
      reclaimedPence: 0,
      availablePence: 994_000,
    });
    const [release] = await api.db.query(
      "SELECT amount_pence::int AS amount FROM ledger_entries WHERE budget_id = $1 AND kind = 'RELEASE' AND booking_id IS NULL",
      [w.budget.id],
    );
    expect(release).toEqual({ amount: 3_000 });
    // No booking can reach the commit verb after the period (its visits would be in the past), but the verb refuses regardless.
    const [{ id: bookingId }] = await api.db.query("SELECT id FROM bookings WHERE budget_id = $1 LIMIT 1", [w.budget.id]);
    const { budgets } = api.app.services;
    const commit = await api.db.transaction(async (tx) =>
      budgets.commit(tx, (await budgets.lock(tx, w.budget.id))!, { bookingId, costPence: 100, earmarkPence: 0, visits: 1 }, w.commissioner.id),
    );
    expect(commit).toMatchObject({ ok: false, errors: [{ code: "BUDGET_CLOSED" }] });
    await expect(api.db.query("UPDATE budgets SET committed_pence = 100 WHERE id = $1", [w.budget.id])).rejects.toThrow(/chk_budgets_closed/);
    const again = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "RECLAIM" });
    expect(again.userErrors).toEqual([
      { code: "BUDGET_CLOSED", message: "This budget's period is already closed: nothing more to do.", field: ["input", "budgetId"] },
    ]);
  });

  it("carries exactly the surplus (or the amount asked) to the next period's budget, in one transaction", async () => {
    const w = await aYear();
    api.clock.set("2027-04-01T09:00:00Z");
    for (const visitId of w.later) expect((await recordVisit(api, w.pa.user, visitId, { outcome: "MISSED" })).userErrors).toEqual([]);
    await api.app.services.confirmations.confirmDue();
    const next = await aBudget(api.db, w.client, { periodStart: "2027-04-01", periodEnd: "2028-03-31", allocatedPence: 500_000 });
    const other = await aBudget(api.db, (await aWorld(api, { name: "John Thornton" })).client, { periodStart: "2027-04-01", periodEnd: "2028-03-31" });
    const wrong = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "CARRY_FORWARD", nextBudgetId: other.id });
    expect(wrong.userErrors).toEqual([{ code: "INVALID_VALUE", message: "The next budget must be the same person's.", field: ["input", "nextBudgetId"] }]);
    const tooMuch = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "CARRY_FORWARD", nextBudgetId: next.id, amountPence: 994_001 });
    expect(tooMuch.userErrors.map((e) => e.field)).toEqual([["input", "amountPence"]]);
    const missing = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "CARRY_FORWARD" });
    expect(missing.userErrors.map((e) => e.field)).toEqual([["input", "nextBudgetId"]]);

    const closed = await closeBudget(api, w.commissioner, w.budget.id, { disposal: "CARRY_FORWARD", nextBudgetId: next.id });
    expect(closed.userErrors).toEqual([]);
    expect(closed.budget).toMatchObject({ status: "CLOSED", surplusPence: 994_000, carriedForwardPence: 994_000, reclaimedPence: 0, availablePence: 0 });
    expect(await budgetFigures(api, w.commissioner, next.id)).toMatchObject({
      status: "OPEN",
      allocatedPence: 1_494_000,
      availablePence: 1_494_000,
      surplusPence: null,
    });
    const entries = await api.db.query(
      "SELECT budget_id, kind, amount_pence::int AS amount FROM ledger_entries WHERE kind IN ('CARRY_FORWARD_OUT', 'CARRY_FORWARD_IN') ORDER BY kind",
    );
    expect(entries).toEqual([
      { budget_id: w.budget.id, kind: "CARRY_FORWARD_OUT", amount: 994_000 },
      { budget_id: next.id, kind: "CARRY_FORWARD_IN", amount: 994_000 },
    ]);
  });

  it("carries part of the surplus and keeps the rest; a retry with the same key replays; another funding body's commissioner finds nothing", async () => {
    const w = await aYear();
    api.clock.set("2027-04-01T09:00:00Z");
    for (const visitId of w.later) expect((await recordVisit(api, w.pa.user, visitId, { outcome: "MISSED" })).userErrors).toEqual([]);
    await api.app.services.confirmations.confirmDue();
    const next = await aBudget(api.db, w.client, { periodStart: "2027-04-01", periodEnd: "2028-03-31", allocatedPence: 500_000 });
    const stranger = await aCommissioner(api.db, LEICESTERSHIRE);
    const denied = await closeBudget(api, stranger, w.budget.id, { disposal: "RECLAIM" });
    expect(denied.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const input = { disposal: "CARRY_FORWARD" as const, nextBudgetId: next.id, amountPence: 100_000, idempotencyKey: "close-2026" };
    const first = await closeBudget(api, w.commissioner, w.budget.id, input);
    const retry = await closeBudget(api, w.commissioner, w.budget.id, input);
    expect(first.userErrors).toEqual([]);
    expect(retry).toEqual(first);
    expect(first.budget).toMatchObject({ surplusPence: 994_000, carriedForwardPence: 100_000, availablePence: 894_000 });
    expect(await budgetFigures(api, w.commissioner, next.id)).toMatchObject({ allocatedPence: 600_000 });
    const client = await aUser(api.db, { roles: [Role.CLIENT], clientId: w.client.id });
    const asClient = await api.execute(
      "mutation ($input: CloseBudgetInput!) { closeBudget(input: $input) { userErrors { code } } }",
      { input: { budgetId: toGlobalId("Budget", w.budget.id), disposal: "KEEP", idempotencyKey: "k" } },
      { as: client },
    );
    expect(asClient.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  });

  it.each([
    ["RECLAIM" as const, { reclaimedPence: 995_500, availablePence: 0 }],
    ["KEEP" as const, { reclaimedPence: 0, availablePence: 995_500 }],
  ])("a correction after a %s close joins the surplus, reclaimed or kept as the close decided", async (disposal, figures) => {
    const w = await aYear();
    api.clock.set("2027-04-01T09:00:00Z");
    for (const visitId of w.later) expect((await recordVisit(api, w.pa.user, visitId, { outcome: "MISSED" })).userErrors).toEqual([]);
    await api.app.services.confirmations.confirmDue();
    expect((await closeBudget(api, w.commissioner, w.budget.id, { disposal })).userErrors).toEqual([]);
    expect((await correctVisit(api, w.commissioner, w.delivered[0], 1)).userErrors).toEqual([]);
    expect(await budgetFigures(api, w.commissioner, w.budget.id)).toMatchObject({
      status: "CLOSED",
      committedPence: 0,
      spentPence: 4_500,
      surplusPence: 995_500,
      ...figures,
    });
  });
});
