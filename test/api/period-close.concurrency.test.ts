/** 20 concurrent closeBudget calls with different keys: one closes, the rest are told it is closed. */
import { useApi } from "../support/api";
import { aBudget, ledgerMismatches } from "../support/factories";
import { budgetFigures, closeBudget } from "../support/period-close";
import { aWorld } from "../support/settlement";

describe("closeBudget under concurrency", () => {
  const api = useApi();

  it("closes once; 19 others are told the budget is closed; a carry-forward moves the surplus once", async () => {
    api.clock.set("2027-04-02T09:00:00Z");
    const w = await aWorld(api, { allocatedPence: 700_000 });
    const next = await aBudget(api.db, w.client, { periodStart: "2027-04-01", periodEnd: "2028-03-31", allocatedPence: 100_000 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        closeBudget(api, w.commissioner, w.budget.id, i % 2 ? { disposal: "RECLAIM" } : { disposal: "CARRY_FORWARD", nextBudgetId: next.id }),
      ),
    );
    const closed = results.filter((r) => r.userErrors.length === 0);
    expect(closed).toHaveLength(1);
    expect(results.filter((r) => r.userErrors.length > 0).map((r) => r.userErrors)).toEqual(
      Array.from({ length: 19 }, () => [
        { code: "BUDGET_CLOSED", message: "This budget's period is already closed: nothing more to do.", field: ["input", "budgetId"] },
      ]),
    );
    const figures = await budgetFigures(api, w.commissioner, w.budget.id);
    expect(figures).toMatchObject({ status: "CLOSED", surplusPence: 700_000, availablePence: 0 });
    expect(figures.reclaimedPence + figures.carriedForwardPence).toBe(700_000);
    expect((await budgetFigures(api, w.commissioner, next.id)).allocatedPence).toBe(100_000 + figures.carriedForwardPence);
    expect(await api.db.query("SELECT count(*)::int AS n FROM ledger_entries WHERE kind IN ('CLAWBACK', 'CARRY_FORWARD_OUT')")).toEqual([{ n: 1 }]);
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });
});
