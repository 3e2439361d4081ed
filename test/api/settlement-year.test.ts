/**
 * A year of delivery (issue #11, "How it is checked"), on the injected clock: every visit
 * delivered, most confirmed by the client, some by the window, two disputed (one upheld in part,
 * one rejected), a payment run each month, paid. At the end the statements' totals equal the
 * confirmed spend less the upheld dispute, to the penny, and no visit is on two statements.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BudgetManagement } from "../../src/modules/budgets";
import { addDays, londonDate } from "../../src/shared/time";
import { useApi } from "../support/api";
import { expectFactsCurrent } from "../support/report-facts";
import { aPersonalAssistant, ledgerMismatches } from "../support/factories";
import {
  aWorld,
  anotherClient,
  book,
  budgetMoney,
  confirmVisit,
  createPaymentRun,
  disputeVisit,
  expectNoErrors,
  markPaid,
  recordVisit,
  resolveDispute,
} from "../support/settlement";

const WEEK = 7 * 86_400_000;

describe("a year of delivery and settlement", () => {
  const api = useApi();

  it("pays exactly what was confirmed, less the upheld dispute, each visit once", async () => {
    const world = await aWorld(api);
    const second = await anotherClient(api, "Albert Ross", BudgetManagement.DIRECT_PAYMENT);
    const third = await anotherClient(api, "Cara Dune");
    const otherPa = await aPersonalAssistant(api.db, 1720);
    api.clock.set("2026-04-05T10:00:00Z");
    const clients = [
      { name: "MH", holder: world.holder, budget: world.budget, pa: world.pa, price: 1500, visits: [] as string[], at: "2026-04-06T09:00:00Z" },
      { name: "AR", holder: second.holder, budget: second.budget, pa: world.pa, price: 1500, visits: [] as string[], at: "2026-04-07T14:00:00Z" },
      { name: "CD", holder: third.holder, budget: third.budget, pa: otherPa, price: 1720, visits: [] as string[], at: "2026-04-08T10:30:00Z" },
    ];
    for (const c of clients) c.visits = await book(api, c.pa, c.holder, c.budget, c.at, 52, 1.5);

    let deliveredPence = 0;
    let upheldPence = 0;
    let byWindow = 0;
    const runs: string[] = [];
    const disputedUpheld = clients[0].visits[9];
    const disputedRejected = clients[2].visits[19];
    let nextRunOn = "2026-05-01";

    for (let week = 0; week < 52; week++) {
      for (const c of clients) {
        const visitId = c.visits[week];
        // Delivered on the day, recorded that evening.
        api.clock.set(new Date(Date.parse(c.at) + week * WEEK + 4 * 3_600_000));
        const monthlyRunDue = londonDate(api.clock.now()) >= nextRunOn;
        if (monthlyRunDue) {
          // The month's run on its first day: the job first confirms what the window closed on.
          const runDay = nextRunOn;
          await api.app.services.confirmations.confirmDue();
          const run = await createPaymentRun(api, world.commissioner, addDays(runDay, -1));
          expectNoErrors(run.userErrors);
          runs.push(run.paymentRun!.id);
          expectNoErrors((await markPaid(api, world.commissioner, run.paymentRun!.id, londonDate(api.clock.now()))).userErrors);
          await expectFactsCurrent(api); // the report's facts follow the month's answers, window and payment
          nextRunOn = `${addDays(`${runDay.slice(0, 7)}-28`, 7).slice(0, 7)}-01`;
        }
        const recorded = await recordVisit(api, c.pa.user, visitId, { note: `week ${week + 1}` });
        expectNoErrors(recorded.userErrors);
        deliveredPence += recorded.visit!.costPence;
        if (visitId === disputedUpheld || visitId === disputedRejected) {
          expectNoErrors((await disputeVisit(api, c.holder, visitId, "The carer came late and left early")).userErrors);
        } else if (c.name === "AR" && week % 5 === 0) {
          byWindow++; // left for the window
        } else {
          expectNoErrors((await confirmVisit(api, c.holder, visitId)).userErrors);
        }
      }
      if (week === 10) {
        const upheld = await resolveDispute(api, world.commissioner, disputedUpheld, "UPHELD", 0.5);
        expectNoErrors(upheld.userErrors);
        upheldPence += upheld.visit!.confirmation!.reversedPence;
      }
      if (week === 21) expectNoErrors((await resolveDispute(api, world.commissioner, disputedRejected, "REJECTED")).userErrors);
    }
    // After the year: the last window closes, the last run pays the rest.
    api.clock.set("2027-04-15T10:00:00Z");
    expect(await api.app.services.confirmations.confirmDue()).toBeGreaterThan(0);
    const last = await createPaymentRun(api, world.commissioner, "2027-04-14");
    expectNoErrors(last.userErrors);
    runs.push(last.paymentRun!.id);
    expect(codes((await createPaymentRun(api, world.commissioner, "2027-04-15")).userErrors)).toEqual(["NOTHING_TO_PAY"]);

    expect(runs.length).toBe(12); // on the first of each month from May to March, and one after the year
    expect(byWindow).toBe(11);
    expect(upheldPence).toBe(750); // 0.5 of 1.5 hours at 1500p
    const statements = await allStatements(world.commissioner);
    const statementsTotal = statements.reduce((sum, s) => sum + s.totalPence, 0);
    expect(statementsTotal).toBe(deliveredPence - upheldPence);
    expect(statements.every((s) => (s.payableBy === "BUDGET_HOLDER") === (s.holderInitials === "AR"))).toBe(true);

    const [{ lines, distinct, visits }]: { lines: number; distinct: number; visits: number }[] = await api.db.query(
      "SELECT count(*)::int AS lines, count(DISTINCT visit_id)::int AS distinct, (SELECT count(*)::int FROM visits WHERE status = 'DELIVERED') AS visits FROM statement_lines",
    );
    expect({ lines, distinct }).toEqual({ lines: visits, distinct: visits });
    expect(visits).toBe(3 * 52);

    // The budgets follow the money: nothing awaiting or disputed, everything confirmed is on a statement.
    let confirmed = 0;
    for (const c of clients) {
      const money = await budgetMoney(api, world.commissioner, c.budget.id);
      expect(money.settlement).toMatchObject({ awaitingConfirmationPence: 0, disputedPence: 0 });
      expect(money.settlement.onStatementsPence).toBe(money.settlement.confirmedPence);
      expect(money.spentPence).toBe(money.settlement.confirmedPence);
      confirmed += money.settlement.confirmedPence;
    }
    expect(confirmed).toBe(statementsTotal);
    expect(await ledgerMismatches(api.db)).toEqual([]);
  }, 180_000);

  async function allStatements(commissioner: UserEntity) {
    const found: { totalPence: number; payableBy: string; holderInitials: string | null }[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        statements: {
          nodes: { totalPence: number; payableBy: string; holderInitials: string | null }[];
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      } = await api.data(
        "query ($after: String) { statements(first: 100, after: $after) { nodes { totalPence payableBy holderInitials } pageInfo { hasNextPage endCursor } } }",
        { after },
        { as: commissioner },
      );
      found.push(...page.statements.nodes);
      if (!page.statements.pageInfo.hasNextPage) return found;
      after = page.statements.pageInfo.endCursor;
    }
  }
});

const codes = (errors: { code: string }[]) => errors.map((e) => e.code);
