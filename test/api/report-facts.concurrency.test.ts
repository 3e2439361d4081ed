/**
 * The report's facts under concurrency: deliveries, answers and the refresh job running at once,
 * the job on several "processes" at a time. Whatever interleaving happens, once the last change is
 * committed and the job has run, the stored facts equal the ones computed from the visits.
 */
import { aPersonalAssistant } from "../support/factories";
import { useApi } from "../support/api";
import { expectFactsCurrent } from "../support/report-facts";
import { aWorld, anotherClient, book, confirmVisit, disputeVisit, recordVisit } from "../support/settlement";

describe("the report's facts under concurrency", () => {
  const api = useApi();

  it("end equal to the visits after deliveries, answers and refreshes all at once", async () => {
    const world = await aWorld(api);
    const second = await anotherClient(api, "Albert Ross");
    const third = await anotherClient(api, "Cara Dune");
    const otherPa = await aPersonalAssistant(api.db, 1720);
    api.clock.set("2026-04-05T10:00:00Z");
    const booked = [
      { holder: world.holder, pa: world.pa, visits: await book(api, world.pa, world.holder, world.budget, "2026-04-06T09:00:00Z", 12) },
      { holder: second.holder, pa: world.pa, visits: await book(api, world.pa, second.holder, second.budget, "2026-04-07T14:00:00Z", 12) },
      { holder: third.holder, pa: otherPa, visits: await book(api, otherPa, third.holder, third.budget, "2026-04-08T10:30:00Z", 12) },
    ];
    const visits = booked.flatMap((b) => b.visits.map((visitId) => ({ ...b, visitId })));
    api.clock.set("2026-07-01T18:00:00Z");
    const refreshing = () => Promise.all([0, 1, 2].map(() => api.app.services.reports.refreshFacts(3)));

    // Every visit recorded at once, with three refresh jobs taking three changes a step meanwhile.
    const recorded = await Promise.all([...visits.map((v) => recordVisit(api, v.pa.user, v.visitId)), refreshing(), refreshing()]);
    expect(recorded.slice(0, visits.length).every((r) => !Array.isArray(r) && r.userErrors.length === 0)).toBe(true);

    // Then every answer at once: most confirmed, every fifth disputed, with the job running again.
    const answered = await Promise.all([
      ...visits.map((v, i) => (i % 5 === 0 ? disputeVisit(api, v.holder, v.visitId, "Late") : confirmVisit(api, v.holder, v.visitId))),
      refreshing(),
      api.app.services.confirmations.confirmDue(),
      refreshing(),
    ]);
    expect(answered.slice(0, visits.length).every((r) => typeof r === "object" && !Array.isArray(r) && r.userErrors.length === 0)).toBe(true);

    await expectFactsCurrent(api);
    const [{ visits: counted, disputed }]: { visits: number; disputed: string }[] = await api.db.query(
      "SELECT sum(visits)::int AS visits, sum(disputed_pence) AS disputed FROM report_facts",
    );
    expect(counted).toBe(36);
    expect(Number(disputed)).toBeGreaterThan(0);
  }, 60_000);
});
