/**
 * The efficiency report's monthly facts (issue #12): kept by triggers and the refresh job, they
 * follow every change a report figure depends on — delivery, the client's answer, disputes upheld
 * and rejected, the confirmation window, payment, corrections, a client's date of birth — and the
 * report reads the same figures from them as it computes live.
 */
import { expectFactsCurrent } from "../support/report-facts";
import { useApi } from "../support/api";
import {
  aWorld,
  anotherClient,
  book,
  confirmVisit,
  correctVisit,
  createPaymentRun,
  disputeVisit,
  expectNoErrors,
  markPaid,
  recordVisit,
  resolveDispute,
} from "../support/settlement";

const REPORT = /* GraphQL */ `
  query ($from: LocalDate!, $to: LocalDate!) {
    efficiencyReport(fundingBodyCode: "E09000024", from: $from, to: $to, groupBy: [CATEGORY, MONTH, AGE_BAND]) {
      rows { group { categoryCode month ageBand } measures { ...all } }
      totals { ...all }
    }
  }
  fragment all on EfficiencyMeasures {
    sourcedPence referencePence savingPence premiumPence returnedPence reservedPence absorbedPence visits visitsWithoutReference
    bookings clients confirmedPence awaitingConfirmationPence disputedPence upheldPence paidPence surplusPence projectedSurplusPence
  }
`;

describe("the efficiency report's facts", () => {
  const api = useApi();

  it("follow every change a figure depends on, and the report reads the same from them as live", async () => {
    const world = await aWorld(api);
    const second = await anotherClient(api, "Albert Ross");
    // 64 until 10 May 2026: the May visits of this client fall in two age bands.
    await api.db.query("UPDATE clients SET date_of_birth = '1961-05-10' WHERE id = $1", [second.client.id]);
    api.clock.set("2026-04-20T08:00:00Z");
    const first = await book(api, world.pa, world.holder, world.budget, "2026-04-21T09:00:00Z", 8, 1.5);
    const other = await book(api, world.pa, second.holder, second.budget, "2026-04-22T14:00:00Z", 8);
    const report = async (from: string, to: string) => api.data(REPORT, { from, to }, { as: world.commissioner });

    // Delivery week by week, and the client's answers: confirmed, disputed; the window confirms the
    // rest. The facts are refreshed as it goes, so later changes meet stored facts.
    for (let week = 0; week < 8; week++) {
      api.clock.set(new Date(Date.parse("2026-04-22T18:00:00Z") + week * 7 * 86_400_000));
      expectNoErrors((await recordVisit(api, world.pa.user, first[week])).userErrors);
      expectNoErrors((await recordVisit(api, world.pa.user, other[week])).userErrors);
      if (week < 5) expectNoErrors((await confirmVisit(api, world.holder, first[week])).userErrors);
      if (week === 5) expectNoErrors((await disputeVisit(api, world.holder, first[week], "Left after half an hour")).userErrors);
      if (week === 0) expectNoErrors((await disputeVisit(api, second.holder, other[week], "Nobody came")).userErrors);
      if (week % 3 === 0) await expectFactsCurrent(api);
    }
    await expectFactsCurrent(api);
    expectNoErrors((await resolveDispute(api, world.commissioner, first[5], "UPHELD", 0.5)).userErrors);
    expectNoErrors((await resolveDispute(api, world.commissioner, other[0], "REJECTED")).userErrors);
    await expectFactsCurrent(api);
    api.clock.set("2026-07-15T10:00:00Z");
    expect(await api.app.services.confirmations.confirmDue()).toBeGreaterThan(0);
    await expectFactsCurrent(api);

    // Payment: a run counts once it is paid; a correction of a paid visit reverses part of it.
    const run = await createPaymentRun(api, world.commissioner, "2026-07-14");
    expectNoErrors(run.userErrors);
    await expectFactsCurrent(api);
    expectNoErrors((await markPaid(api, world.commissioner, run.paymentRun!.id, "2026-07-15")).userErrors);
    await expectFactsCurrent(api);
    expectNoErrors((await correctVisit(api, world.commissioner, first[1], 0.5)).userErrors);
    await expectFactsCurrent(api);

    // A date of birth corrected moves the client's visits to another age band.
    await api.db.query("UPDATE clients SET date_of_birth = '1940-01-01' WHERE id = $1", [second.client.id]);
    const periods = [
      ["2026-04-01", "2027-03-31"],
      ["2026-04-25", "2026-06-03"],
      ["2026-05-01", "2026-05-31"],
      ["2026-05-12", "2026-05-20"],
    ];
    const live = await Promise.all(periods.map(([from, to]) => report(from, to)));
    await expectFactsCurrent(api);
    const stored = await Promise.all(periods.map(([from, to]) => report(from, to)));
    expect(stored).toEqual(live);

    const year = stored[0] as {
      efficiencyReport: { rows: { group: { month: string } }[]; totals: { visits: number; paidPence: number; upheldPence: number; disputedPence: number } };
    };
    expect([...new Set(year.efficiencyReport.rows.map((r) => r.group.month))].sort()).toEqual(["2026-04", "2026-05", "2026-06"]);
    expect(year.efficiencyReport.totals).toMatchObject({ visits: 16, disputedPence: 0 });
    expect(year.efficiencyReport.totals.paidPence).toBeGreaterThan(0);
    expect(year.efficiencyReport.totals.upheldPence).toBe(750 + 750); // half an hour upheld, half an hour corrected, at 1500p
  }, 120_000);
});
