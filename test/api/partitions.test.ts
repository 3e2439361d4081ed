/**
 * Visits and ledger entries partitioned by London month (issue #16, migration MonthlyPartitions):
 * a query bounded in time reads only its months (shown by the plans of the statements the API
 * runs; a visit found by id alone, or the payment run's corrections of any month, read them all),
 * a month is archived by one statement, the partitions job makes months ahead and moves into
 * them what the default partition caught, and a personal assistant's diary holds across months.
 */
import { analyzeParents, createMonthsAhead } from "../../src/shared/partitions";
import { toGlobalId, uuidOf } from "../../src/shared/ids";
import { useApi, type TestApi } from "../support/api";
import { keepTestMonths } from "../support/partitions";
import { aWorld, book, confirmVisit, expectNoErrors, recordVisit } from "../support/settlement";

const REPORT = /* GraphQL */ `
  query ($from: LocalDate!, $to: LocalDate!) {
    efficiencyReport(fundingBodyCode: "E09000024", from: $from, to: $to, groupBy: [CATEGORY]) {
      totals { visits sourcedPence confirmedPence }
    }
  }
`;

interface PlanNode {
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

/** The tables and partitions the plans of `calls` read: each statement EXPLAINed with its parameters, as it ran. */
async function relationsRead(api: TestApi, calls: { query: string; parameters: unknown[] }[]): Promise<Set<string>> {
  const read = new Set<string>();
  const walk = (node: PlanNode): void => {
    if (node["Relation Name"]) read.add(node["Relation Name"]);
    node.Plans?.forEach(walk);
  };
  for (const { query, parameters } of calls.filter((c) => /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i.test(c.query))) {
    const [{ "QUERY PLAN": plans }]: { "QUERY PLAN": { Plan: PlanNode }[] }[] = await api.db.query(`EXPLAIN (FORMAT JSON) ${query}`, parameters);
    walk(plans[0].Plan);
  }
  return read;
}

/** What `work` reads of one partitioned table's months. */
async function monthsRead(api: TestApi, table: "visits" | "ledger_entries", work: () => Promise<unknown>): Promise<string[]> {
  api.sql.reset();
  await work();
  const read = await relationsRead(api, api.sql.calls);
  return [...read].filter((name) => name.startsWith(`${table}_`)).sort();
}

async function partitionOf(api: TestApi, visitId: string): Promise<string> {
  const [row]: { partition: string }[] = await api.db.query("SELECT tableoid::regclass::text AS partition FROM visits WHERE id = $1", [
    uuidOf(visitId, "Visit"),
  ]);
  return row.partition;
}

/** A personal assistant's eight weekly visits from Monday 6 April 2026 (four in April, four in May), the April ones delivered and confirmed. */
async function aMonthOfVisits(api: TestApi) {
  const world = await aWorld(api);
  api.clock.set("2026-04-01T08:00:00Z");
  const visits = await book(api, world.pa, world.holder, world.budget, "2026-04-06T09:00:00Z", 8);
  for (const [week, visit] of visits.slice(0, 4).entries()) {
    api.clock.set(new Date(Date.parse("2026-04-06T18:00:00Z") + week * 7 * 86_400_000));
    expectNoErrors((await recordVisit(api, world.pa.user, visit)).userErrors);
    expectNoErrors((await confirmVisit(api, world.holder, visit)).userErrors);
  }
  return { world, visits };
}

describe("monthly partitions", () => {
  const api = useApi();
  afterEach(async () => {
    // Months a test made stay in the worker's database; the next test starts from the template's.
    await api.db.query(`TRUNCATE visits, ledger_entries, visit_slots, visit_confirmations, statement_lines, visit_corrections CASCADE`);
    await keepTestMonths(api.db);
  });

  it("a report and a dated ledger query read only their months", async () => {
    const { world, visits } = await aMonthOfVisits(api);
    expect(await Promise.all(visits.map((v) => partitionOf(api, v)))).toEqual([...Array(4).fill("visits_2026_04"), ...Array(4).fill("visits_2026_05")]);
    await api.app.services.reports.refreshFacts();
    // A change after the refresh: April's key is queued, so the report computes it live.
    await api.db.query("UPDATE visits SET note = 'late' WHERE id = $1", [uuidOf(visits[3], "Visit")]);
    const report = (from: string, to: string) => async () => api.data(REPORT, { from, to }, { as: world.commissioner });

    // The period's months; and the forecast's, from four weeks before today to the budget's end
    // (today 31 May: May's, and the default partition's, which holds June on).
    api.clock.set("2026-05-31T09:00:00Z");
    const forecast = ["visits_2026_05", "visits_default"];
    expect(await monthsRead(api, "visits", report("2026-04-01", "2026-04-30"))).toEqual(["visits_2026_04", ...forecast]);
    expect(await monthsRead(api, "visits", report("2026-04-10", "2026-04-30"))).toEqual(["visits_2026_04", ...forecast]);
    expect(await monthsRead(api, "visits", report("2026-05-01", "2026-05-31"))).toEqual(forecast);
    // No statement of the API bounds ledger entries by date yet; one that does, reads its month.
    const ledger = async () =>
      api.db.query("SELECT sum(amount_pence) FROM ledger_entries WHERE occurred_at >= $1 AND occurred_at < $2", ["2026-04-01T00:00+01", "2026-05-01T00:00+01"]);
    expect(await monthsRead(api, "ledger_entries", ledger)).toEqual(["ledger_entries_2026_04"]);
  });

  it("archives a month in one statement, unless something still points at its rows", async () => {
    const { world } = await aMonthOfVisits(api);
    const ledger = async () =>
      (
        await api.data<{ budget: { ledger: { nodes: { kind: string; occurredAt: string }[] } } }>(
          "query ($id: ID!) { budget(id: $id) { ledger(first: 50) { nodes { kind occurredAt } } } }",
          { id: toGlobalId("Budget", world.budget.id) },
          { as: world.commissioner },
        )
      ).budget.ledger.nodes;
    const before = await ledger();
    expect(before.length).toBeGreaterThan(0);
    // A year's ledger, or any run of months, in one statement; each month is then a table to dump and drop.
    const detached = async (parent: string, before: string) =>
      (await api.db.query<{ name: string }[]>("SELECT detach_months($1, $2) AS name", [parent, before])).map((r) => r.name);
    expect(await detached("ledger_entries", "2026-05-01")).toEqual(["ledger_entries_2026_03", "ledger_entries_2026_04"]);
    expect((await ledger()).length).toBeLessThan(before.length);
    expect((await ledger()).every((e) => !e.occurredAt.startsWith("2026-04"))).toBe(true);
    expect(await api.db.query("SELECT count(*)::int AS n FROM ledger_entries_2026_04")).toEqual([{ n: before.length - (await ledger()).length }]);

    // April's visits are confirmed: their answers point at them, and the statement refuses, all of it.
    await expect(detached("visits", "2026-05-01")).rejects.toThrow(
      /removing partition "visits_2026_04" violates foreign key constraint "visit_confirmations_visit_id_visit_starts_at_fkey\d*"/,
    );
    expect(await detached("visits", "2026-04-01")).toEqual(["visits_2026_03"]);
    await api.db.query("ALTER TABLE ledger_entries ATTACH PARTITION ledger_entries_2026_04 FOR VALUES FROM ('2026-04-01 00:00+01') TO ('2026-05-01 00:00+01')");
    expect(await ledger()).toEqual(before);
  });

  it("the job makes the months ahead, moving in what the default partition caught, on several processes at once, and analyzes the parents", async () => {
    const world = await aWorld(api);
    api.clock.set("2026-05-20T08:00:00Z");
    // June and July have no month yet: these visits land in the default partition.
    const visits = await book(api, world.pa, world.holder, world.budget, "2026-06-02T09:00:00Z", 6);
    api.clock.set("2026-06-02T18:00:00Z");
    expectNoErrors((await recordVisit(api, world.pa.user, visits[0])).userErrors);
    expectNoErrors((await confirmVisit(api, world.holder, visits[0])).userErrors);
    expect(await partitionOf(api, visits[5])).toBe("visits_default");

    const today = "2026-06-03";
    const [one, two] = await Promise.all([createMonthsAhead(api.db, today, 1), createMonthsAhead(api.db, today, 1)]);
    const created = [...one.created, ...two.created].sort();
    // Visits to the end of the open budget's period (March 2027); ledger entries a month ahead.
    const visitMonths = ["2026_07", "2026_08", "2026_09", "2026_10", "2026_11", "2026_12", "2027_01", "2027_02", "2027_03"].map((m) => `visits_${m}`);
    expect(created).toEqual(["ledger_entries_2026_07", ...visitMonths]);
    // June's visit is confirmed (its answer points at it) and June's ledger entry is append-only: both stay.
    for (const refused of [one.refused, two.refused]) {
      expect(refused).toEqual([
        {
          partition: "visits_2026_06",
          reason: expect.stringMatching(
            /update or delete on table "visits_default" violates foreign key constraint "visit_confirmations_visit_id_visit_starts_at_fkey\d*"/,
          ),
        },
        { partition: "ledger_entries_2026_06", reason: "ledger entries are append-only: add a reversing entry instead" },
      ]);
    }
    expect(await Promise.all(visits.map((v) => partitionOf(api, v)))).toEqual([...Array(5).fill("visits_default"), "visits_2026_07"]);

    // The parents' statistics as a whole, which autovacuum never gathers: the job does.
    const parentStatistics = async () =>
      api.db.query<{ table: string }[]>(
        "SELECT DISTINCT starelid::regclass::text AS table FROM pg_statistic WHERE stainherit AND starelid IN ('visits'::regclass, 'ledger_entries'::regclass) ORDER BY 1",
      );
    expect(await parentStatistics()).toEqual([]);
    await analyzeParents(api.db);
    expect(await parentStatistics()).toEqual([{ table: "ledger_entries" }, { table: "visits" }]);

    // The moved visit keeps its slot in the personal assistant's diary.
    const overlapping = await api.data<{ createBooking: { userErrors: { code: string }[] } }>(
      "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { userErrors { code } } }",
      {
        input: {
          listingId: toGlobalId("Listing", world.pa.listing.id),
          budgetId: toGlobalId("Budget", world.budget.id),
          startsAt: "2026-07-07T09:30:00Z",
          unitsPerVisit: 1,
          idempotencyKey: "overlap",
        },
      },
      { as: world.holder },
    );
    expect(overlapping.createBooking.userErrors).toEqual([{ code: "SLOT_TAKEN" }]);
  });

  it("a personal assistant's diary holds across a month's end, and a cancelled visit frees its slot", async () => {
    const world = await aWorld(api);
    api.clock.set("2026-04-20T08:00:00Z");
    const create = (startsAt: string, units: number) =>
      api.data<{ createBooking: { booking: { id: string } | null; userErrors: { code: string }[] } }>(
        "mutation ($input: CreateBookingInput!) { createBooking(input: $input) { booking { id } userErrors { code } } }",
        {
          input: {
            listingId: toGlobalId("Listing", world.pa.listing.id),
            budgetId: toGlobalId("Budget", world.budget.id),
            startsAt,
            unitsPerVisit: units,
            idempotencyKey: `${startsAt}-${units}`,
          },
        },
        { as: world.holder },
      );
    // 22:00 on 30 April to 02:00 on 1 May, London: the visit is in April's month, the overlap in May's.
    const night = await create("2026-04-30T21:00:00Z", 4);
    expect(night.createBooking.userErrors).toEqual([]);
    expect((await create("2026-04-30T23:30:00Z", 1)).createBooking.userErrors).toEqual([{ code: "SLOT_TAKEN" }]);
    const cancelled = await api.data<{ cancelBooking: { userErrors: { code: string }[] } }>(
      "mutation ($input: BookingDecisionInput!) { cancelBooking(input: $input) { userErrors { code } } }",
      { input: { bookingId: night.createBooking.booking!.id, idempotencyKey: "cancel" } },
      { as: world.holder },
    );
    expect(cancelled.cancelBooking.userErrors).toEqual([]);
    expect((await create("2026-04-30T23:30:00Z", 1)).createBooking.userErrors).toEqual([]);
  });
});
