/**
 * Delivery and settlement through the API: shift records, confirmation and disputes (every path),
 * the window, payment runs and statements, the remittance file. The ledger equals the budgets'
 * totals after every test.
 */
import type { AddressInfo } from "node:net";
import { BudgetManagement } from "../../src/modules/budgets";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, useApi } from "../support/api";
import { aCommissioner, aPersonalAssistant, aUser, ledgerMismatches, LEICESTERSHIRE } from "../support/factories";
import {
  aWorld,
  anotherClient,
  book,
  budgetMoney,
  confirmVisit,
  correctVisit,
  createPaymentRun,
  disputeVisit,
  expectNoErrors,
  markPaid,
  recordVisit,
  resolveDispute,
  type World,
} from "../support/settlement";
import { Role } from "../../src/shared/auth";

const codes = (errors: { code: string }[]) => errors.map((e) => e.code);
const DAY = 86_400_000;

describe("delivery and settlement", () => {
  const api = useApi();
  afterEach(async () => {
    expect(await ledgerMismatches(api.db)).toEqual([]);
  });

  /** Four weekly one-hour visits from Monday 6 April 2026 at 09:00, booked by the holder, the clock after the first. */
  async function fourVisits(world: World): Promise<string[]> {
    api.clock.set("2026-04-06T08:00:00Z");
    const visits = await book(api, world.pa, world.holder, world.budget, "2026-04-06T09:00:00Z", 4);
    api.clock.set("2026-04-06T11:00:00Z");
    return visits;
  }

  describe("shift records (recordVisit)", () => {
    it("keeps the actual times, units and note; fewer units than booked release the difference", async () => {
      const world = await aWorld(api);
      const [first] = await fourVisits(world);
      const recorded = await recordVisit(api, world.pa.user, first, {
        startedAt: "2026-04-06T09:05:00Z",
        endedAt: "2026-04-06T09:50:00Z",
        units: 0.75,
        note: "Shopping and lunch",
      });
      expect(recorded.userErrors).toEqual([]);
      expect(recorded.visit).toMatchObject({
        status: "DELIVERED",
        units: 0.75,
        bookedUnits: 1,
        costPence: 1125,
        startedAt: "2026-04-06T09:05:00.000Z",
        endedAt: "2026-04-06T09:50:00.000Z",
        note: "Shopping and lunch",
        confirmation: { status: "AWAITING", at: null, by: null, dueAt: "2026-04-13T11:00:00.000Z" },
        statement: null,
      });
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({
        committedPence: 4500,
        spentPence: 1125,
        availablePence: 1_000_000 - 4500 - 1125,
        settlement: { awaitingConfirmationPence: 1125, confirmedPence: 0 },
      });
    });

    it("commits extra units in the same transaction when the budget can take them, and refuses them when it cannot", async () => {
      const world = await aWorld(api, { allocatedPence: 6300 });
      const [first, second] = await fourVisits(world); // 6000p committed, 300p available
      const refused = await recordVisit(api, world.pa.user, first, { units: 1.5 }); // 750p more
      expect(refused.visit).toBeNull();
      expect(codes(refused.userErrors)).toEqual(["INSUFFICIENT_BUDGET"]);
      expect(refused.userErrors[0].field).toEqual(["input", "units"]);
      expect(refused.userErrors[0].message).not.toMatch(/available/); // the provider is not told the budget's figures

      const extra = await recordVisit(api, world.pa.user, first, { units: 1.2 }); // 300p more
      expect(extra.userErrors).toEqual([]);
      expect(extra.visit).toMatchObject({ units: 1.2, bookedUnits: 1, costPence: 1800 });
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({ committedPence: 4500, spentPence: 1800, availablePence: 0 });
      api.clock.set("2026-04-13T11:00:00Z");
      expect((await recordVisit(api, world.pa.user, second, { units: 0.5 })).visit).toMatchObject({ costPence: 750, bookedUnits: 1 });
    });

    it("refuses a shift that ends before it starts, or units that are no quantity", async () => {
      const world = await aWorld(api);
      const [first] = await fourVisits(world);
      const backwards = await recordVisit(api, world.pa.user, first, { startedAt: "2026-04-06T10:00:00Z", endedAt: "2026-04-06T09:00:00Z" });
      expect(codes(backwards.userErrors)).toEqual(["INVALID_VALUE"]);
      expect(backwards.userErrors[0].field).toEqual(["input", "endedAt"]);
      const none = await recordVisit(api, world.pa.user, first, { units: 0 });
      expect(none.userErrors.map((e) => e.field)).toEqual([["input", "units"]]);
      const future = await recordVisit(api, world.pa.user, first, { endedAt: "2026-04-06T12:00:00Z" });
      expect(codes(future.userErrors)).toEqual(["INVALID_VALUE"]);
    });

    it("is idempotent: a retry answers the first recording and moves the money once; the key with another input is refused", async () => {
      const world = await aWorld(api);
      const [first, second] = await fourVisits(world);
      const key = aKey();
      const once = await recordVisit(api, world.pa.user, first, { idempotencyKey: key, note: "Fine" });
      const again = await recordVisit(api, world.pa.user, first, { idempotencyKey: key, note: "Fine" });
      expect(again).toEqual(once);
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({ spentPence: 1500, committedPence: 4500 });
      const reused = await recordVisit(api, world.pa.user, second, { idempotencyKey: key, note: "Fine" });
      expect(codes(reused.userErrors)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
    });
  });

  describe("idempotency of the other money-moving booking mutations", () => {
    it("cancelBooking retried with its key releases once and answers the cancelled booking", async () => {
      const world = await aWorld(api);
      api.clock.set("2026-04-06T08:00:00Z");
      await book(api, world.pa, world.holder, world.budget, "2026-04-06T09:00:00Z", 4);
      const { bookings } = await api.data<{ bookings: { nodes: { id: string }[] } }>("{ bookings { nodes { id } } }", {}, { as: world.holder });
      const key = aKey();
      const cancel = () =>
        api.data<{ cancelBooking: { booking: { status: string; committedPence: number } | null; userErrors: { code: string }[] } }>(
          "mutation ($input: BookingDecisionInput!) { cancelBooking(input: $input) { booking { status committedPence } userErrors { code } } }",
          { input: { bookingId: bookings.nodes[0].id, note: "Moving", idempotencyKey: key } },
          { as: world.holder },
        );
      const first = await cancel();
      expect(first.cancelBooking).toEqual({ booking: { status: "CANCELLED", committedPence: 0 }, userErrors: [] });
      expect(await cancel()).toEqual(first);
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({ committedPence: 0, availablePence: 1_000_000 });
    });
  });

  describe("confirmation", () => {
    it("the client confirms a delivered visit; their broker may too; nobody else", async () => {
      const world = await aWorld(api);
      const [first, second] = await fourVisits(world);
      expectNoErrors((await recordVisit(api, world.pa.user, first)).userErrors);

      const stranger = await aUser(api.db, { roles: [Role.CLIENT], clientId: (await anotherClient(api, "Someone Else")).client.id });
      expect(codes((await confirmVisit(api, stranger, first)).userErrors)).toEqual(["NOT_FOUND"]);
      const asProvider = await api.execute(
        "mutation ($input: ConfirmVisitInput!) { confirmVisit(input: $input) { userErrors { code } } }",
        {
          input: { visitId: first, idempotencyKey: aKey() },
        },
        { as: world.pa.user },
      );
      expect(asProvider.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);

      const confirmed = await confirmVisit(api, world.holder, first);
      expect(confirmed.userErrors).toEqual([]);
      expect(confirmed.visit!.confirmation).toMatchObject({
        status: "CONFIRMED",
        by: { id: toGlobalId("User", world.holder.id) },
        at: "2026-04-06T11:00:00.000Z",
      });
      expect(codes((await confirmVisit(api, world.broker, first)).userErrors)).toEqual(["INVALID_TRANSITION"]); // already answered
      api.clock.set("2026-04-13T11:00:00Z");
      expectNoErrors((await recordVisit(api, world.pa.user, second)).userErrors);
      expect((await confirmVisit(api, world.broker, second)).userErrors).toEqual([]);
      expect((await budgetMoney(api, world.commissioner, world.budget.id)).settlement).toMatchObject({ awaitingConfirmationPence: 0, confirmedPence: 3000 });
    });

    it("only a delivered visit is confirmed or disputed", async () => {
      const world = await aWorld(api);
      const [first] = await fourVisits(world);
      expect(codes((await confirmVisit(api, world.holder, first)).userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(codes((await disputeVisit(api, world.holder, first)).userErrors)).toEqual(["INVALID_TRANSITION"]);
      await recordVisit(api, world.pa.user, first, { outcome: "MISSED" });
      expect(codes((await confirmVisit(api, world.holder, first)).userErrors)).toEqual(["INVALID_TRANSITION"]);
    });
  });

  describe("disputes", () => {
    it("a visit disputed twice: the second is refused; confirming it after the dispute is refused; the commissioner rejects it: confirmed", async () => {
      const world = await aWorld(api);
      const [first] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      const disputed = await disputeVisit(api, world.holder, first, "Nobody came");
      expect(disputed.visit!.confirmation).toMatchObject({ status: "DISPUTED", reason: "Nobody came", by: { id: toGlobalId("User", world.holder.id) } });
      expect((await budgetMoney(api, world.commissioner, world.budget.id)).settlement).toMatchObject({ disputedPence: 1500, confirmedPence: 0 });

      expect(codes((await disputeVisit(api, world.broker, first)).userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(codes((await confirmVisit(api, world.holder, first)).userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(codes((await disputeVisit(api, world.holder, first, "  ")).userErrors)).toEqual(["INVALID_VALUE"]);
      // Only a commissioner of the client's funding body resolves it.
      const elsewhere = await aCommissioner(api.db, LEICESTERSHIRE);
      expect(codes((await resolveDispute(api, elsewhere, first, "REJECTED")).userErrors)).toEqual(["NOT_FOUND"]);

      const rejected = await resolveDispute(api, world.commissioner, first, "REJECTED");
      expect(rejected.visit!.confirmation).toMatchObject({
        status: "REJECTED",
        resolutionNote: "Checked the rota",
        by: { id: toGlobalId("User", world.commissioner.id) },
      });
      expect(codes((await resolveDispute(api, world.commissioner, first, "UPHELD")).userErrors)).toEqual(["INVALID_TRANSITION"]);
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({
        spentPence: 1500,
        settlement: { confirmedPence: 1500, disputedPence: 0 },
      });
    });

    it("an upheld dispute reverses some of the units with a REVERSAL ledger entry; the rest is payable", async () => {
      const world = await aWorld(api);
      const [first] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      await disputeVisit(api, world.holder, first, "Left after 15 minutes");
      expect(codes((await resolveDispute(api, world.commissioner, first, "UPHELD", 1.5)).userErrors)).toEqual(["INVALID_VALUE"]);
      const upheld = await resolveDispute(api, world.commissioner, first, "UPHELD", 0.75);
      expect(upheld.userErrors).toEqual([]);
      expect(upheld.visit!.confirmation).toMatchObject({ status: "UPHELD", reversedUnits: 0.75, reversedPence: 1125 });
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({
        spentPence: 375,
        settlement: { confirmedPence: 375, reversedPence: 1125, disputedPence: 0 },
      });
      const { budget } = await api.data<{ budget: { ledger: { nodes: { kind: string; amountPence: number }[] } } }>(
        "query ($id: ID!) { budget(id: $id) { ledger(first: 1) { nodes { kind amountPence } } } }",
        { id: toGlobalId("Budget", world.budget.id) },
        { as: world.commissioner },
      );
      expect(budget.ledger.nodes).toEqual([{ kind: "REVERSAL", amountPence: 1125 }]);

      api.clock.set("2026-04-07T10:00:00Z");
      const run = await createPaymentRun(api, world.commissioner, "2026-04-06");
      expect(run.paymentRun!.statements.nodes[0].lines.nodes).toEqual([
        expect.objectContaining({ clientInitials: "MH", deliveredOn: "2026-04-06", units: 0.25, unitPricePence: 1500, amountPence: 375, isCorrection: false }),
      ]);
    });

    it("a visit disputed after the window is refused, whether or not the job has confirmed it yet", async () => {
      const world = await aWorld(api);
      const [first, second] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      expect(codes((await recordVisit(api, world.pa.user, second)).userErrors)).toEqual(["VISIT_NOT_DUE"]);
      api.clock.set(new Date(Date.parse("2026-04-06T11:00:00Z") + 7 * DAY));
      expect(codes((await disputeVisit(api, world.holder, first)).userErrors)).toEqual(["CONFIRMATION_WINDOW_CLOSED"]);
      expect(await api.app.services.confirmations.confirmDue()).toBe(1);
      expect(await api.app.services.confirmations.confirmDue()).toBe(0);
      const after = await disputeVisit(api, world.holder, first);
      expect(codes(after.userErrors)).toEqual(["CONFIRMATION_WINDOW_CLOSED"]);
      const { node } = await api.data<{ node: { confirmation: { status: string; at: string; by: null } } }>(
        "query ($id: ID!) { node(id: $id) { ... on Visit { confirmation { status at by { id } } } } }",
        { id: first },
        { as: world.holder },
      );
      expect(node.confirmation).toEqual({ status: "CONFIRMED", at: "2026-04-13T11:00:00.000Z", by: null });
    });

    it("the window is the funding body's visitConfirmationDays", async () => {
      const world = await aWorld(api);
      const set = await api.data<{ updateFundingBodySettings: { fundingBody: { visitConfirmationDays: number } } }>(
        'mutation { updateFundingBodySettings(input: { code: "E09000024", visitConfirmationDays: 2 }) { fundingBody { visitConfirmationDays } } }',
        {},
        { as: world.commissioner },
      );
      expect(set.updateFundingBodySettings.fundingBody.visitConfirmationDays).toBe(2);
      const [first] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      api.clock.set("2026-04-08T10:59:00Z");
      expect(await api.app.services.confirmations.confirmDue()).toBe(0);
      api.clock.set("2026-04-08T11:00:00Z");
      expect(await api.app.services.confirmations.confirmDue()).toBe(1);
    });

    it("paid, then disputed: refused; the commissioner's correction reverses it and shows on the next statement", async () => {
      const world = await aWorld(api);
      const [first, second] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      await confirmVisit(api, world.holder, first);
      api.clock.set("2026-04-07T10:00:00Z");
      const run = (await createPaymentRun(api, world.commissioner, "2026-04-06")).paymentRun!;
      expectNoErrors((await markPaid(api, world.commissioner, run.id, "2026-04-10")).userErrors);

      const disputed = await disputeVisit(api, world.holder, first);
      expect(disputed.visit).toBeNull();
      expect(codes(disputed.userErrors)).toEqual(["ALREADY_PAID"]);
      expect(disputed.userErrors[0].message).toMatch(/correct/);

      expect(codes((await correctVisit(api, world.commissioner, second, 1)).userErrors)).toEqual(["INVALID_TRANSITION"]); // not delivered
      expect(codes((await correctVisit(api, world.commissioner, first, 2)).userErrors)).toEqual(["INVALID_VALUE"]);
      const corrected = await correctVisit(api, world.commissioner, first, 0.5);
      expect(corrected.visit!.confirmation).toMatchObject({ status: "CONFIRMED", reversedUnits: 0.5, reversedPence: 750 });
      expect(await budgetMoney(api, world.commissioner, world.budget.id)).toMatchObject({
        spentPence: 750,
        settlement: { confirmedPence: 750, reversedPence: 750, paidPence: 1500, onStatementsPence: 1500 },
      });

      api.clock.set("2026-04-14T10:00:00Z");
      await recordVisit(api, world.pa.user, second);
      await confirmVisit(api, world.holder, second);
      const next = (await createPaymentRun(api, world.commissioner, "2026-04-13")).paymentRun!;
      expect(next.totalPence).toBe(1500 - 750);
      expect(next.statements.nodes[0].lines.nodes.map((l) => [l.deliveredOn, l.amountPence, l.isCorrection])).toEqual([
        ["2026-04-06", -750, true],
        ["2026-04-13", 1500, false],
      ]);
      expect((await budgetMoney(api, world.commissioner, world.budget.id)).settlement).toMatchObject({ paidPence: 1500, onStatementsPence: 2250 });
    });
  });

  describe("payment runs and statements", () => {
    it("one statement per provider and payer, a line per visit with initials only; a second run finds nothing; a retry replays", async () => {
      const world = await aWorld(api);
      const other = await anotherClient(api, "albert  ross", BudgetManagement.DIRECT_PAYMENT);
      const secondPa = await aPersonalAssistant(api.db, 1800);
      api.clock.set("2026-04-06T07:00:00Z");
      const a = await book(api, world.pa, world.holder, world.budget, "2026-04-06T09:00:00Z", 2);
      const b = await book(api, world.pa, other.holder, other.budget, "2026-04-06T12:00:00Z", 2);
      const c = await book(api, secondPa, world.holder, world.budget, "2026-04-07T09:00:00Z", 1, 2);
      api.clock.set("2026-04-14T18:00:00Z");
      for (const [as, visits, provider] of [
        [world.holder, a, world.pa.user],
        [other.holder, b, world.pa.user],
        [world.holder, c, secondPa.user],
      ] as const) {
        for (const visit of visits) {
          expectNoErrors((await recordVisit(api, provider, visit)).userErrors);
          expectNoErrors((await confirmVisit(api, as, visit)).userErrors);
        }
      }
      const key = aKey();
      const created = await createPaymentRun(api, world.commissioner, "2026-04-13", key);
      expect(created.userErrors).toEqual([]);
      const run = created.paymentRun!;
      // a[0], b[0], c[0] up to the 13th; a[1] and b[1] on the 13th too (weekly from the 6th).
      expect(run).toMatchObject({ status: "DRAFT", upTo: "2026-04-13", statementCount: 3, lineCount: 5, totalPence: 1500 * 4 + 3600 });
      expect(run.fundingBodyPence).toBe(1500 * 2 + 3600);
      const byPayer = run.statements.nodes.map((s) => [
        s.provider.id === toGlobalId("Provider", world.pa.provider.id) ? "pa" : "second",
        s.payableBy,
        s.holderInitials,
        s.totalPence,
        s.lineCount,
      ]);
      expect(byPayer.sort()).toEqual([
        ["pa", "BUDGET_HOLDER", "AR", 3000, 2],
        ["pa", "FUNDING_BODY", null, 3000, 2],
        ["second", "FUNDING_BODY", null, 3600, 1],
      ]);
      expect(run.statements.nodes.flatMap((s) => s.lines.nodes.map((l) => l.clientInitials)).sort()).toEqual(["AR", "AR", "MH", "MH", "MH"]);

      expect(await createPaymentRun(api, world.commissioner, "2026-04-13", key)).toEqual(created);
      const again = await createPaymentRun(api, world.commissioner, "2026-04-14");
      expect(again.paymentRun).toBeNull();
      expect(codes(again.userErrors)).toEqual(["NOTHING_TO_PAY"]);
      expect(codes((await createPaymentRun(api, world.commissioner, "2026-04-15")).userErrors)).toEqual(["INVALID_VALUE"]); // a day not begun
      expect(codes((await createPaymentRun(api, await aCommissioner(api.db, LEICESTERSHIRE), "2026-04-13")).userErrors)).toEqual(["NOT_FOUND"]);

      // Providers see their own statements, nothing else; the run is the funding body's.
      const mine = await api.data<{ statements: { nodes: { totalPence: number; paymentRun: null }[] } }>(
        "{ statements { nodes { totalPence paymentRun { id } } } }",
        {},
        { as: secondPa.user },
      );
      expect(mine.statements.nodes).toEqual([{ totalPence: 3600, paymentRun: null }]);
      const paRuns = await api.execute("{ paymentRuns { nodes { id } } }", {}, { as: world.pa.user });
      expect(paRuns.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
      const owed = await api.data<{ provider: { settlement: { confirmedUnpaidPence: number; issuedPence: number } } }>(
        "query ($id: ID!) { provider(id: $id) { settlement { confirmedUnpaidPence issuedPence paidPence } } }",
        { id: toGlobalId("Provider", world.pa.provider.id) },
        { as: world.pa.user },
      );
      expect(owed.provider.settlement).toEqual({ confirmedUnpaidPence: 0, issuedPence: 6000, paidPence: 0 });
      const notMine = await api.data<{ provider: { settlement: null } }>(
        "query ($id: ID!) { provider(id: $id) { settlement { paidPence } } }",
        { id: toGlobalId("Provider", world.pa.provider.id) },
        { as: secondPa.user },
      );
      expect(notMine.provider.settlement).toBeNull();

      // Paid: the funding body's statements; the holder's stays theirs to pay.
      const paid = await markPaid(api, world.commissioner, run.id, "2026-04-16");
      expect(paid.paymentRun).toMatchObject({ status: "PAID", paidOn: "2026-04-16", reference: "BACS-2026-04-16" });
      expect(paid.paymentRun!.statements.nodes.map((s) => `${s.payableBy}:${s.status}`).sort()).toEqual([
        "BUDGET_HOLDER:ISSUED",
        "FUNDING_BODY:PAID",
        "FUNDING_BODY:PAID",
      ]);
      expect(codes((await markPaid(api, world.commissioner, run.id, "2026-04-17")).userErrors)).toEqual(["INVALID_TRANSITION"]);
      const runs = await api.data<{ paymentRuns: { nodes: { id: string; status: string }[] } }>(
        "{ paymentRuns { nodes { id status } } }",
        {},
        { as: world.commissioner },
      );
      expect(runs.paymentRuns.nodes).toEqual([{ id: run.id, status: "PAID" }]);
    });

    it("the efficiency report follows the money: confirmed, awaiting, disputed, upheld and paid", async () => {
      const world = await aWorld(api);
      const visits = await fourVisits(world);
      api.clock.set("2026-04-27T12:00:00Z");
      for (const v of visits) expectNoErrors((await recordVisit(api, world.pa.user, v)).userErrors);
      await confirmVisit(api, world.holder, visits[0]);
      await disputeVisit(api, world.holder, visits[1]);
      await disputeVisit(api, world.holder, visits[2]);
      await resolveDispute(api, world.commissioner, visits[2], "UPHELD", 0.25);
      const run = (await createPaymentRun(api, world.commissioner, "2026-04-26")).paymentRun!;
      await markPaid(api, world.commissioner, run.id, "2026-04-27");
      const report = await api.data<{ efficiencyReport: { totals: Record<string, number> } }>(
        `{ efficiencyReport(fundingBodyCode: "E09000024", from: "2026-04-01", to: "2027-03-31") {
            totals { confirmedPence awaitingConfirmationPence disputedPence upheldPence paidPence } } }`,
        {},
        { as: world.commissioner },
      );
      expect(report.efficiencyReport.totals).toEqual({
        confirmedPence: 1500 + 1125,
        awaitingConfirmationPence: 1500,
        disputedPence: 1500,
        upheldPence: 375,
        paidPence: 1500 + 1125,
      });
    });

    it("a disputed visit waits for its resolution; an awaiting one for its confirmation", async () => {
      const world = await aWorld(api);
      const [first, second] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      await disputeVisit(api, world.holder, first);
      api.clock.set("2026-04-13T12:00:00Z");
      await recordVisit(api, world.pa.user, second);
      expect(codes((await createPaymentRun(api, world.commissioner, "2026-04-13")).userErrors)).toEqual(["NOTHING_TO_PAY"]);
      await resolveDispute(api, world.commissioner, first, "REJECTED");
      const run = (await createPaymentRun(api, world.commissioner, "2026-04-13")).paymentRun!;
      expect(run.statements.nodes[0].lines.nodes.map((l) => l.visit.id)).toEqual([first]);
    });

    it("the remittance file: one row per statement, for the funding body's commissioners only", async () => {
      const world = await aWorld(api);
      const [first] = await fourVisits(world);
      await recordVisit(api, world.pa.user, first);
      await confirmVisit(api, world.holder, first);
      const run = (await createPaymentRun(api, world.commissioner, "2026-04-06")).paymentRun!;
      await new Promise<void>((resolve) => api.app.http.listen(0, "127.0.0.1", resolve));
      try {
        const base = `http://127.0.0.1:${(api.app.http.address() as AddressInfo).port}/payments/${run.id.length ? uuidOf(run.id) : ""}.csv`;
        const tokenOf = (email: string) => api.app.services.tokens.issue(email);
        const csv = await fetch(base, { headers: { authorization: `Bearer ${await tokenOf(world.commissioner.subject)}` } });
        expect(csv.status).toBe(200);
        expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
        const rows = (await csv.text()).trim().split("\r\n");
        expect(rows[0]).toBe("payment_run_id,statement_id,provider_id,provider_name,payable_by,period_start,period_end,lines,amount_pence,amount_gbp,status");
        expect(rows.slice(1).map((r) => r.split(",").slice(4))).toEqual([["FUNDING_BODY", "2026-04-06", "2026-04-06", "1", "1500", "15.00", "ISSUED"]]);
        expect((await fetch(base, { headers: { authorization: `Bearer ${await tokenOf(world.pa.user.subject)}` } })).status).toBe(404);
        const elsewhere = await aCommissioner(api.db, LEICESTERSHIRE);
        expect((await fetch(base, { headers: { authorization: `Bearer ${await tokenOf(elsewhere.subject)}` } })).status).toBe(404);
        expect((await fetch(base)).status).toBe(401);
        const byGlobalId = `http://127.0.0.1:${(api.app.http.address() as AddressInfo).port}/payments/${run.id}.csv`;
        expect((await fetch(byGlobalId, { headers: { authorization: `Bearer ${await tokenOf(world.commissioner.subject)}` } })).status).toBe(200);
      } finally {
        await new Promise<void>((resolve) => api.app.http.close(() => resolve()));
      }
    });
  });
});

function uuidOf(globalId: string): string {
  return Buffer.from(globalId, "base64url").toString("utf8").split(":")[1];
}
