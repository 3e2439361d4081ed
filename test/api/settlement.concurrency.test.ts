/**
 * Settlement under concurrency: payment runs racing each other, a confirmation racing a dispute,
 * resolutions racing, the confirmation job on several processes at once. No visit is ever on two
 * statements, and every budget's totals equal its ledger after each scenario.
 */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { BudgetManagement } from "../../src/modules/budgets";
import { MERTON } from "../support/factories";
import { aKey, useApi, type GraphQLResponse } from "../support/api";
import { aPersonalAssistant, ledgerMismatches } from "../support/factories";
import { aWorld, anotherClient, book, recordVisit, confirmVisit, disputeVisit, expectNoErrors, type World } from "../support/settlement";

const RUN = "mutation ($input: CreatePaymentRunInput!) { createPaymentRun(input: $input) { paymentRun { id lineCount totalPence } userErrors { code } } }";
type RunAnswer = GraphQLResponse<{
  createPaymentRun: { paymentRun: { id: string; lineCount: number; totalPence: number } | null; userErrors: { code: string }[] };
}>;
const ANSWER = (name: string, type: string) => `mutation ($input: ${type}!) { ${name}(input: $input) { visit { id } userErrors { code } } }`;
type Answer = GraphQLResponse<Record<string, { visit: { id: string } | null; userErrors: { code: string }[] }>>;

const outcome = (answer: RunAnswer) =>
  answer.errors
    ? `ERROR ${JSON.stringify(answer.errors)}`
    : answer.data!.createPaymentRun.paymentRun
      ? "RUN"
      : answer.data!.createPaymentRun.userErrors.map((e) => e.code).join();
const tally = (outcomes: string[]) => outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});

describe("settlement under concurrency", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
    const twice: unknown[] = await api.db.query("SELECT visit_id FROM statement_lines WHERE visit_id IS NOT NULL GROUP BY visit_id HAVING count(*) > 1");
    expect(twice).toEqual([]);
  });

  /** Three clients, two providers, `weeks` weekly visits each from 6 April 2026, all delivered; returns the visits by their client. */
  async function deliveredWorld(weeks: number): Promise<{ world: World; visits: { visitId: string; holder: UserEntity }[] }> {
    const world = await aWorld(api);
    const second = await anotherClient(api, "Albert Ross", BudgetManagement.DIRECT_PAYMENT);
    const third = await anotherClient(api, "Cara Dune");
    const otherPa = await aPersonalAssistant(api.db, 1700);
    api.clock.set("2026-04-06T07:00:00Z");
    const plan = [
      { holder: world.holder, budget: world.budget, pa: world.pa, at: "2026-04-06T09:00:00Z" },
      { holder: second.holder, budget: second.budget, pa: world.pa, at: "2026-04-06T12:00:00Z" },
      { holder: third.holder, budget: third.budget, pa: otherPa, at: "2026-04-06T09:00:00Z" },
    ];
    const visits: { visitId: string; holder: UserEntity; pa: UserEntity }[] = [];
    for (const p of plan)
      for (const visitId of await book(api, p.pa, p.holder, p.budget, p.at, weeks)) visits.push({ visitId, holder: p.holder, pa: p.pa.user });
    api.clock.set(new Date(Date.parse("2026-04-06T18:00:00Z") + (weeks - 1) * 7 * 86_400_000));
    for (const v of visits) expectNoErrors((await recordVisit(api, v.pa, v.visitId)).userErrors);
    return { world, visits };
  }

  it("50 createPaymentRun at once for one funding body: one run, every confirmed visit on exactly one statement", async () => {
    const { world, visits } = await deliveredWorld(6);
    for (const v of visits) expectNoErrors((await confirmVisit(api, v.holder, v.visitId)).userErrors);
    const upTo = "2026-05-11";
    const answers = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          api.executeRetrying(
            RUN,
            { input: { fundingBodyCode: MERTON, upTo, idempotencyKey: `run-${i % 45}` } },
            { as: world.commissioner },
          ) as Promise<RunAnswer>,
      ),
    );
    // Keys run-0…run-4 are used twice: a duplicate replays its run, or finds nothing if the other took the visits first.
    const outcomes = tally(answers.map(outcome));
    const runIds = new Set(answers.map((a) => a.data?.createPaymentRun.paymentRun?.id).filter(Boolean));
    expect(runIds.size).toBe(1);
    expect(Object.keys(outcomes).sort()).toEqual(["NOTHING_TO_PAY", "RUN"]);
    expect(outcomes.RUN + outcomes.NOTHING_TO_PAY).toBe(50);
    const [{ runs, lines, distinct }]: { runs: number; lines: number; distinct: number }[] = await api.db.query(
      `SELECT (SELECT count(*)::int FROM payment_runs) AS runs, count(*)::int AS lines, count(DISTINCT visit_id)::int AS distinct FROM statement_lines`,
    );
    expect({ runs, lines, distinct }).toEqual({ runs: 1, lines: visits.length, distinct: visits.length });
    const [{ paid }]: { paid: string }[] = await api.db.query("SELECT sum(total_pence) AS paid FROM provider_statements");
    const [{ confirmed }]: { confirmed: string }[] = await api.db.query(
      "SELECT sum(v.cost_pence) AS confirmed FROM visits v JOIN visit_confirmations c ON c.visit_id = v.id WHERE c.status = 'CONFIRMED'",
    );
    expect(Number(paid)).toBe(Number(confirmed));
  });

  it("50 createPaymentRun at once with one idempotency key: every answer is the same run", async () => {
    const { world, visits } = await deliveredWorld(2);
    for (const v of visits) await confirmVisit(api, v.holder, v.visitId);
    const answers = await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          api.executeRetrying(
            RUN,
            { input: { fundingBodyCode: MERTON, upTo: "2026-04-13", idempotencyKey: "the-run" } },
            { as: world.commissioner },
          ) as Promise<RunAnswer>,
      ),
    );
    expect(tally(answers.map(outcome))).toEqual({ RUN: 50 });
    expect(new Set(answers.map((a) => a.data!.createPaymentRun.paymentRun!.id)).size).toBe(1);
  });

  it("a confirmation and a dispute of the same visits at once: one answer per visit wins, the other is refused", async () => {
    const { world, visits } = await deliveredWorld(5);
    const mine = visits.filter((v) => v.holder.id === world.holder.id);
    const answers = await Promise.all(
      mine.flatMap((v) => [
        api.executeRetrying(
          ANSWER("confirmVisit", "ConfirmVisitInput"),
          { input: { visitId: v.visitId, idempotencyKey: aKey() } },
          { as: world.holder },
        ) as Promise<Answer>,
        api.executeRetrying(
          ANSWER("disputeVisit", "DisputeVisitInput"),
          { input: { visitId: v.visitId, reason: "Late", idempotencyKey: aKey() } },
          { as: world.broker },
        ) as Promise<Answer>,
      ]),
    );
    for (let i = 0; i < mine.length; i++) {
      const [confirm, dispute] = [answers[2 * i].data!.confirmVisit, answers[2 * i + 1].data!.disputeVisit];
      const wins = [confirm, dispute].filter((a) => a.visit !== null).length;
      expect(wins).toBe(1);
      const loser = confirm.visit ? dispute : confirm;
      expect(loser.userErrors.map((e) => e.code)).toEqual(["INVALID_TRANSITION"]);
      const { node } = await api.data<{ node: { confirmation: { status: string } } }>(
        "query ($id: ID!) { node(id: $id) { ... on Visit { confirmation { status } } } }",
        { id: mine[i].visitId },
        { as: world.holder },
      );
      expect(node.confirmation.status).toBe(confirm.visit ? "CONFIRMED" : "DISPUTED");
    }
  });

  it("two commissioners resolve one dispute at once: one resolution, one reversal", async () => {
    const { world, visits } = await deliveredWorld(1);
    const [visit] = visits.filter((v) => v.holder.id === world.holder.id);
    expectNoErrors((await disputeVisit(api, world.holder, visit.visitId)).userErrors);
    const resolve = () =>
      api.executeRetrying(
        ANSWER("resolveVisitDispute", "ResolveVisitDisputeInput"),
        { input: { visitId: visit.visitId, resolution: "UPHELD", idempotencyKey: aKey() } },
        { as: world.commissioner },
      ) as Promise<Answer>;
    const answers = await Promise.all(Array.from({ length: 10 }, resolve));
    const codes = answers.map((a) => (a.data!.resolveVisitDispute.visit ? "OK" : a.data!.resolveVisitDispute.userErrors.map((e) => e.code).join()));
    expect(tally(codes)).toEqual({ OK: 1, INVALID_TRANSITION: 9 });
    const [{ reversals }]: { reversals: number }[] = await api.db.query("SELECT count(*)::int AS reversals FROM ledger_entries WHERE kind = 'REVERSAL'");
    expect(reversals).toBe(1);
  });

  it("the confirmation job on five processes at once, while clients confirm: every due visit confirmed once", async () => {
    const { visits } = await deliveredWorld(4);
    api.clock.advance(8 * 86_400_000);
    const clients = visits.slice(0, 4).map((v) => confirmVisit(api, v.holder, v.visitId).then((a) => (a.visit ? 1 : 0)));
    const jobs = Array.from({ length: 5 }, () => api.app.services.confirmations.confirmDue());
    const [byClients, byJobs] = await Promise.all([Promise.all(clients), Promise.all(jobs)]);
    const total = byClients.reduce<number>((a, b) => a + b, 0) + byJobs.reduce((a, b) => a + b, 0) + (await api.app.services.confirmations.confirmDue());
    expect(total).toBe(visits.length);
    const [{ answered }]: { answered: number }[] = await api.db.query("SELECT count(*)::int AS answered FROM visit_confirmations WHERE status = 'CONFIRMED'");
    expect(answered).toBe(visits.length);
  });
});
