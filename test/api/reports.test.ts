import fc from "fast-check";
import type { AddressInfo } from "node:net";
import { viewerOf } from "../../src/modules/auth";
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { PayeeRelationship } from "../../src/modules/bookings";
import { type VisitOutcome } from "../../src/modules/bookings/booking.inputs";
import { ageBandOf, GainMode, SurplusDisposal } from "../../src/modules/budgets";
import { aKey, useApi } from "../support/api";
import { resetDb } from "../support/db";
import { aBudget, aClientUser, aCommissioner, aListing, aProvider, aProviderMember, aUser, LEICESTERSHIRE, MERTON } from "../support/factories";
import { expectFactsCurrent } from "../support/report-facts";

const MONEY = [
  "sourcedPence",
  "referencePence",
  "savingPence",
  "premiumPence",
  "returnedPence",
  "reservedPence",
  "absorbedPence",
  "spendWithoutReferencePence",
  "newToSupportSpendPence",
  "relativePayeeSpendPence",
  "visits",
  "visitsWithoutReference",
  "surplusPence",
  "reclaimedPence",
  "carriedForwardPence",
  "projectedSurplusPence",
] as const;
type Measures = Record<(typeof MONEY)[number], number>;
/** Distinct counts: they do not add up over rows, so each row's is checked against the visits themselves. */
const COUNTS = ["bookings", "clients", "newToSupportClients", "belowMinimumPriceBookings"] as const;
type Counts = Record<(typeof COUNTS)[number], number>;
const GROUP_FIELDS = {
  CATEGORY: "categoryCode",
  MONTH: "month",
  PROVIDER_KIND: "providerKind",
  BUDGET_KIND: "budgetKind",
  AGE_BAND: "ageBand",
  PURPOSE: "purpose",
} as const;
type Group = Record<(typeof GROUP_FIELDS)[keyof typeof GROUP_FIELDS], string | null>;
const REPORT = `query ($groupBy: [ReportDimension!], $from: LocalDate! = "2026-04-01") { efficiencyReport(fundingBodyCode: "${MERTON}", from: $from, to: "2027-03-31", groupBy: $groupBy) {
  rows { group { categoryCode month providerKind budgetKind ageBand purpose } measures { ${[...MONEY, ...COUNTS].join(" ")} } }
  totals { ${[...MONEY, ...COUNTS].join(" ")} } } }`;
const GROUPINGS: (keyof typeof GROUP_FIELDS)[][] = [
  [],
  ["CATEGORY"],
  ["MONTH"],
  ["PROVIDER_KIND"],
  ["BUDGET_KIND"],
  ["AGE_BAND"],
  ["PURPOSE"],
  ["CATEGORY", "MONTH"],
  ["MONTH", "AGE_BAND"],
  ["AGE_BAND", "PROVIDER_KIND", "BUDGET_KIND", "PURPOSE"],
];

const sum = (items: Measures[]) => Object.fromEntries(MONEY.map((m) => [m, items.reduce((total, i) => total + i[m], 0)])) as Measures;

describe("efficiency reports", () => {
  const api = useApi();

  async function rates(commissioner: UserEntity) {
    for (const [categoryCode, ratePence] of [
      ["PA_SUPPORT", 1955],
      ["PERSONAL_CARE", 2200],
    ] as const) {
      await api.data(
        "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
        {
          input: { fundingBodyCode: MERTON, categoryCode, unit: "HOUR", ratePence, validFrom: "2023-08-21", source: "test" },
        },
        { as: commissioner },
      );
    }
  }

  const budgetArb = fc.record({
    mode: fc.constantFrom(GainMode.RETAIN, GainMode.RETURN, GainMode.SHARE),
    percent: fc.integer({ min: 1, max: 99 }),
    allocation: fc.integer({ min: 50_000, max: 400_000 }),
    born: fc.constantFrom("1950-06-01", "1940-01-01", "1990-03-03", "1931-12-31"),
    newToSupport: fc.boolean(),
    /** How its period is closed, when it can be (none of its visits left scheduled). */
    close: fc.constantFrom(null, "RECLAIM", "KEEP", "PART"),
    bookings: fc.array(
      fc.record({
        listing: fc.nat(5),
        day: fc.integer({ min: 0, max: 300 }),
        visits: fc.integer({ min: 1, max: 4 }),
        units: fc.constantFrom(1, 1.5, 2),
        relative: fc.boolean(),
        outcomes: fc.array(fc.constantFrom("DELIVERED", "MISSED", "SCHEDULED"), { minLength: 4, maxLength: 4 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  });

  const CLOSABLE = {
    mode: GainMode.RETAIN,
    percent: 50,
    allocation: 200_000,
    born: "1950-06-01",
    newToSupport: false,
    close: null as string | null,
    bookings: [{ listing: 0, day: 10, visits: 4, units: 1.5, relative: false, outcomes: ["DELIVERED", "DELIVERED", "MISSED", "DELIVERED"] }],
  };

  it("adds up: totals are the sum of rows for every grouping, and the sum of the budgets' efficiency", async () => {
    let closes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(budgetArb, { minLength: 1, maxLength: 4 }), async (budgets) => {
        await resetDb(api.db);
        api.clock.set("2026-03-01T10:00:00Z");
        const commissioner = await aCommissioner(api.db);
        await rates(commissioner);
        const providers = await Promise.all([0, 1, 2].map(() => aProviderMember(api.db)));
        const listings = [
          await aListing(api.db, providers[0].provider, { categoryCode: "PA_SUPPORT", pricePence: 1500 }),
          await aListing(api.db, providers[0].provider, { categoryCode: "PA_SUPPORT", pricePence: 2300 }),
          await aListing(api.db, providers[1].provider, { categoryCode: "PERSONAL_CARE", pricePence: 2200 }),
          await aListing(api.db, providers[1].provider, { categoryCode: "PERSONAL_CARE", pricePence: 1999 }),
          await aListing(api.db, providers[2].provider, { categoryCode: "GARDENING", pricePence: 1700 }),
          await aListing(api.db, providers[2].provider, { categoryCode: "PA_SUPPORT", pricePence: 1955 }),
        ];
        const { bookings, visits } = api.app.services;
        const recordings: { visitId: string; outcome: string; provider: UserEntity }[] = [];
        const closing: { id: string; close: string | null }[] = [];
        for (const plan of budgets) {
          const { user, client } = await aClientUser(api.db, undefined);
          await api.db.query("UPDATE clients SET date_of_birth = $2, new_to_support = $3 WHERE id = $1", [client.id, plan.born, plan.newToSupport]);
          const budget = await aBudget(api.db, client, { allocatedPence: plan.allocation, coveredCategories: ["PA_SUPPORT", "PERSONAL_CARE", "GARDENING"] });
          closing.push({ id: budget.id, close: plan.close });
          await api.app.services.budgets.setGainPolicy(viewerOf(commissioner), {
            budgetId: budget.id,
            mode: plan.mode,
            returnPercent: plan.mode === GainMode.SHARE ? plan.percent : null,
          });
          for (const [n, b] of plan.bookings.entries()) {
            const listing = listings[b.listing];
            const made = await bookings.create(viewerOf({ ...user, clientId: client.id }), {
              listingId: listing.id,
              budgetId: budget.id,
              startsAt: new Date(Date.UTC(2026, 3, 6, 8 + n) + b.day * 86_400_000),
              recurrence: `FREQ=WEEKLY;COUNT=${b.visits}`,
              unitsPerVisit: b.units,
              payeeRelationship: b.relative ? PayeeRelationship.CLOSE_RELATIVE_ELSEWHERE : PayeeRelationship.NONE,
              idempotencyKey: `${budget.id}-${n}`,
            });
            if (!made.ok) continue; // out of money: fine, the world is what it is
            const provider = providers.find((p) => p.provider.id === listing.providerId)!.user;
            await bookings.confirm(viewerOf(provider), { bookingId: made.value.id, note: "", idempotencyKey: aKey() });
            const rows: { id: string }[] = await api.db.query("SELECT id FROM visits WHERE booking_id = $1 ORDER BY starts_at", [made.value.id]);
            rows.forEach((v, i) => b.outcomes[i] !== "SCHEDULED" && recordings.push({ visitId: v.id, outcome: b.outcomes[i], provider }));
          }
        }
        api.clock.set("2027-06-01T10:00:00Z");
        for (const r of recordings)
          await visits.record(viewerOf(r.provider), {
            visitId: r.visitId,
            outcome: r.outcome as VisitOutcome,
            startedAt: null,
            endedAt: null,
            units: null,
            note: "",
            idempotencyKey: aKey(),
          });

        // Close the periods that can close: a whole or part reclaim, or keep (the others stay open, with a forecast).
        api.clock.set("2027-07-01T10:00:00Z");
        await api.app.services.confirmations.confirmDue();
        for (const { id, close } of closing) {
          if (!close) continue;
          const [{ available }]: { available: string }[] = await api.db.query(
            "SELECT allocated_pence - committed_pence - spent_pence - returned_pence AS available FROM budgets WHERE id = $1",
            [id],
          );
          const closed = await api.app.services.periodClose.close(viewerOf(commissioner), {
            budgetId: id,
            disposal: close === "KEEP" ? SurplusDisposal.KEEP : SurplusDisposal.RECLAIM,
            nextBudgetId: undefined,
            amountPence: close === "PART" ? Math.floor(Number(available) / 3) : null,
            reason: "",
            idempotencyKey: aKey(),
          });
          if (closed.ok) closes++;
        }

        const efficiencies = await api.data<{
          clients: { nodes: { budgets: { efficiency: Measures; forecast: { projectedSurplusPence: number } | null }[] }[] };
        }>(`{ clients(first: 100) { nodes { budgets { efficiency { ${MONEY.join(" ")} } forecast { projectedSurplusPence } } } } }`, {}, { as: commissioner });
        const byBudget = sum(efficiencies.clients.nodes.flatMap((c) => c.budgets.map((b) => b.efficiency)));
        // Each budget in the report projects what its own forecast does (open budgets; closed ones none).
        for (const b of efficiencies.clients.nodes.flatMap((c) => c.budgets)) {
          if (b.efficiency.visits) expect(b.efficiency.projectedSurplusPence).toBe(b.forecast?.projectedSurplusPence ?? 0);
        }
        const expected = await independently();
        // Computed live, then read from the stored facts: the same figures either way.
        for (const stored of [false, true]) {
          if (stored) await expectFactsCurrent(api);
          for (const groupBy of GROUPINGS) {
            const { efficiencyReport } = await api.data<{
              efficiencyReport: { rows: { group: Group; measures: Measures & Counts }[]; totals: Measures & Counts };
            }>(REPORT, { groupBy }, { as: commissioner });
            const totals = Object.fromEntries(MONEY.map((m) => [m, efficiencyReport.totals[m]])) as Measures;
            expect(sum(efficiencyReport.rows.map((r) => r.measures))).toEqual(totals);
            expect(totals).toEqual(byBudget);
            expect(totals).toMatchObject(expected);
            const counts = await countsIndependently(groupBy);
            const reported = new Map(efficiencyReport.rows.map((r) => [groupBy.map((d) => r.group[GROUP_FIELDS[d]]).join("|"), countsOf(r.measures)]));
            if (groupBy.length) expect(reported).toEqual(counts.groups);
            expect(countsOf(efficiencyReport.totals)).toEqual(counts.totals);
            // Seven years (every visit is in the last): too many months to count by a booking's key bits, the same answer.
            if (groupBy.includes("MONTH"))
              expect((await api.data(REPORT, { groupBy, from: "2020-04-01" }, { as: commissioner })).efficiencyReport).toEqual(efficiencyReport);
          }
        }
      }),
      {
        numRuns: 6,
        // Random budgets close only when none of their visits is left scheduled, which is rare: this one
        // always closes (reclaiming a saving, beside an open budget), so every run checks a close.
        examples: [
          [
            [
              { ...CLOSABLE, close: "RECLAIM" },
              { ...CLOSABLE, mode: GainMode.SHARE, close: null },
            ],
          ],
        ],
      },
    );
    expect(closes).toBeGreaterThan(0); // some periods closed: their surplus, reclaim and reserved were checked
  });

  const countsOf = (measures: Counts): Counts => Object.fromEntries(COUNTS.map((c) => [c, measures[c]])) as Counts;

  /** Each group's distinct counts (and the totals'), computed in JavaScript from the delivered visits in the report's period. */
  async function countsIndependently(groupBy: (keyof typeof GROUP_FIELDS)[]): Promise<{ groups: Map<string, Counts>; totals: Counts }> {
    const visits: (Record<Exclude<keyof typeof GROUP_FIELDS, "AGE_BAND"> | "BORN" | "DAY", string> & {
      booking_id: string;
      client_id: string;
      new: boolean;
      below: boolean;
    })[] = await api.db.query(
      `SELECT v.booking_id, bk.client_id, c.new_to_support AS new, v.below_minimum_price AS below, l.category_code AS "CATEGORY",
                to_char(v.starts_at AT TIME ZONE 'Europe/London', 'YYYY-MM') AS "MONTH", p.kind AS "PROVIDER_KIND", bu.kind AS "BUDGET_KIND",
                sc.purpose AS "PURPOSE", c.date_of_birth::text AS "BORN", (v.starts_at AT TIME ZONE 'Europe/London')::date::text AS "DAY"
         FROM visits v JOIN bookings bk ON bk.id = v.booking_id JOIN clients c ON c.id = bk.client_id JOIN budgets bu ON bu.id = bk.budget_id
         JOIN listings l ON l.id = bk.listing_id JOIN service_categories sc ON sc.code = l.category_code JOIN providers p ON p.id = bk.provider_id
         WHERE v.status = 'DELIVERED' AND (v.starts_at AT TIME ZONE 'Europe/London')::date BETWEEN '2026-04-01' AND '2027-03-31'`,
    );
    const sets = new Map<string, { bookings: Set<string>; clients: Set<string>; newClients: Set<string>; below: Set<string> }>();
    const add = (key: string, v: (typeof visits)[number]) => {
      const s = sets.get(key) ?? { bookings: new Set(), clients: new Set(), newClients: new Set(), below: new Set() };
      sets.set(key, s);
      s.bookings.add(v.booking_id);
      s.clients.add(v.client_id);
      if (v.new) s.newClients.add(v.client_id);
      if (v.below) s.below.add(v.booking_id);
    };
    for (const v of visits) {
      const ageBand = ageBandOf(v.BORN, v.DAY);
      add(groupBy.map((d) => (d === "AGE_BAND" ? ageBand : v[d])).join("|"), v);
      add("totals", v);
    }
    const counted = (key: string): Counts => {
      const s = sets.get(key);
      return {
        bookings: s?.bookings.size ?? 0,
        clients: s?.clients.size ?? 0,
        newToSupportClients: s?.newClients.size ?? 0,
        belowMinimumPriceBookings: s?.below.size ?? 0,
      };
    };
    const keys = [...sets.keys()].filter((k) => k !== "totals");
    return { groups: new Map(keys.map((k) => [k, counted(k)])), totals: counted("totals") };
  }

  /** The same figures computed in JavaScript from the raw rows, as DOMAIN.md defines them. */
  async function independently() {
    const visits: { budget_id: string; cost: number; reference: number | null; earmark: number }[] = await api.db.query(
      `SELECT bk.budget_id, v.cost_pence AS cost, v.reference_cost_pence AS reference, v.earmark_pence AS earmark
       FROM visits v JOIN bookings bk ON bk.id = v.booking_id WHERE v.status = 'DELIVERED'`,
    );
    const budgets: { id: string; unspent: string; available: string; surplus: string | null; reclaimed: string; carried: string }[] = await api.db.query(
      `SELECT id, allocated_pence - committed_pence - spent_pence - returned_pence AS unspent,
              allocated_pence - committed_pence - spent_pence - returned_pence - reclaimed_pence - carried_forward_pence AS available,
              surplus_pence AS surplus, reclaimed_pence AS reclaimed, carried_forward_pence AS carried FROM budgets`,
    );
    let saving = 0;
    let returned = 0;
    let saved = 0;
    let reserved = 0;
    let surplus = 0;
    let reclaimed = 0;
    let carried = 0;
    for (const budget of budgets) {
      const delivered = visits.filter((v) => v.budget_id === budget.id);
      const mine = delivered.filter((v) => v.reference !== null);
      const s = mine.reduce((t, v) => t + Math.max(0, v.reference! - v.cost), 0);
      const r = mine.reduce((t, v) => t + v.earmark, 0);
      saving += s;
      returned += r;
      // The saving unspent before the close; what the close reclaimed or carried of it is no longer reserved.
      const unspentSaving = Math.min(s - r, Number(budget.unspent));
      saved += unspentSaving;
      reserved += Math.min(unspentSaving, Number(budget.available));
      // The budget's own close figures, for the budgets the report covers (those with delivered visits).
      if (delivered.length) {
        surplus += Number(budget.surplus ?? 0);
        reclaimed += Number(budget.reclaimed);
        carried += Number(budget.carried);
      }
    }
    return {
      savingPence: saving,
      returnedPence: returned,
      reservedPence: reserved,
      absorbedPence: saving - returned - saved,
      surplusPence: surplus,
      reclaimedPence: reclaimed,
      carriedForwardPence: carried,
    };
  }

  it("answers over 10,000 delivered visits in three statements (one with its planner settings)", async () => {
    const commissioner = await aCommissioner(api.db);
    const { user, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client, { allocatedPence: 100_000_000 });
    const listing = await aListing(api.db, await aProvider(api.db), { categoryCode: "PA_SUPPORT", pricePence: 1500 });
    const booking = await api.db.query(
      `INSERT INTO bookings (id, client_id, budget_id, funding_body_code, listing_id, provider_id, status, starts_at, units_per_visit, unit_price_pence, created_by_user_id)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'CONFIRMED', '2026-04-01', 1, 1500, $6) RETURNING id`,
      [client.id, budget.id, MERTON, listing.id, listing.providerId, user.id],
    );
    await api.db.query(
      `INSERT INTO visits (id, booking_id, provider_id, single_person, starts_at, ends_at, units, cost_pence, reference_cost_pence, earmark_pence, status)
       SELECT gen_random_uuid(), $1, $2, false, timestamptz '2026-04-01 08:00Z' + g * interval '45 minutes', timestamptz '2026-04-01 08:30Z' + g * interval '45 minutes',
              1, 1500, CASE WHEN g % 10 = 0 THEN NULL ELSE 1955 END, 0, 'DELIVERED'
       FROM generate_series(1, 10000) g`,
      [booking[0].id, listing.providerId],
    );
    const { statements, result } = await api.sql.during(() =>
      api.execute<{ efficiencyReport: { totals: Measures } }>(REPORT, { groupBy: ["CATEGORY", "MONTH"] }, { as: commissioner }),
    );
    // The visits' measures (in a read-only transaction of its own, for its planner settings), brokerage, and the count of overdue reviews.
    expect(statements.filter((s) => !/^(BEGIN READ ONLY; SET LOCAL|COMMIT$)/.test(s))).toHaveLength(3);
    expect(statements.filter((s) => /^(BEGIN READ ONLY; SET LOCAL|COMMIT$)/.test(s))).toEqual([
      "BEGIN READ ONLY; SET LOCAL enable_mergejoin = off; SET LOCAL enable_sort = off",
      "COMMIT",
    ]);
    expect(result.data?.efficiencyReport.totals).toMatchObject({ visits: 10_000, visitsWithoutReference: 1_000, savingPence: 9_000 * 455 });
  });

  it("is for the funding body's commissioners", async () => {
    for (const user of [await aCommissioner(api.db, LEICESTERSHIRE), (await aProviderMember(api.db)).user, await aUser(api.db)]) {
      const result = await api.execute(REPORT, { groupBy: [] }, { as: user });
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    }
  });

  it("is also a CSV file, with the same bearer token", async () => {
    const commissioner = await aCommissioner(api.db);
    await new Promise<void>((resolve) => api.app.http.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(api.app.http.address() as AddressInfo).port}/reports/efficiency.csv`;
    try {
      const token = await api.app.services.tokens.issue(commissioner.subject);
      const ok = await fetch(`${base}?fundingBodyCode=${MERTON}&from=2026-04-01&to=2027-03-31&groupBy=CATEGORY,MONTH`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toMatch(/^text\/csv/);
      const lines = (await ok.text()).trim().split("\r\n");
      expect(lines[0]).toMatch(/^categoryCode,month,providerKind,budgetKind,ageBand,purpose,sourcedPence,referencePence,savingPence,/);
      expect(lines.at(-1)).toMatch(/^TOTAL,,,,,,0,0,0,/);
      expect((await fetch(`${base}?fundingBodyCode=${MERTON}&from=2026-04-01&to=2027-03-31`)).status).toBe(401);
      const other = await api.app.services.tokens.issue((await aCommissioner(api.db, LEICESTERSHIRE)).subject);
      expect((await fetch(`${base}?fundingBodyCode=${MERTON}&from=2026-04-01&to=2027-03-31`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(
        403,
      );
      const bad = await fetch(`${base}?fundingBodyCode=${MERTON}&from=April&to=2027-03-31&groupBy=COLOUR`, { headers: { authorization: `Bearer ${token}` } });
      expect(bad.status).toBe(400);
    } finally {
      api.app.http.close();
    }
  });

  it("agrees with the efficiency report on which bookings are below the minimum: each visit judged on its own day", async () => {
    api.clock.set("2026-03-01T10:00:00Z");
    const commissioner = await aCommissioner(api.db);
    await rates(commissioner);
    await api.data(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      {
        input: {
          fundingBodyCode: "E92000001",
          categoryCode: "PERSONAL_CARE",
          unit: "HOUR",
          ratePence: 2100,
          validFrom: "2026-04-10",
          sourceKind: "MINIMUM_PRICE",
          source: "minimum from 10 April",
        },
      },
      { as: await aUser(api.db, { roles: ["ADMIN" as never] }) },
    );
    const { user: member, provider } = await aProviderMember(api.db);
    const listing = await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 2000 });
    const { user, client } = await aClientUser(api.db);
    const budget = await aBudget(api.db, client, { coveredCategories: ["PERSONAL_CARE"] });
    const { bookings, visits } = api.app.services;
    // the first visit is before the minimum price starts, the other two after it
    const made = await bookings.create(viewerOf({ ...user, clientId: client.id }), {
      listingId: listing.id,
      budgetId: budget.id,
      startsAt: new Date("2026-04-06T09:00:00Z"),
      recurrence: "FREQ=WEEKLY;COUNT=3",
      unitsPerVisit: 1,
      payeeRelationship: PayeeRelationship.NONE,
      idempotencyKey: "straddle",
    });
    if (!made.ok) throw new Error(JSON.stringify(made));
    await bookings.confirm(viewerOf(member), { bookingId: made.value.id, note: "", idempotencyKey: aKey() });
    api.clock.set("2026-05-01T10:00:00Z");
    const delivered: { id: string }[] = await api.db.query("SELECT id FROM visits WHERE booking_id = $1", [made.value.id]);
    for (const v of delivered)
      expect(
        (
          await visits.record(viewerOf(member), {
            visitId: v.id,
            outcome: "DELIVERED" as VisitOutcome,
            startedAt: null,
            endedAt: null,
            units: null,
            note: "",
            idempotencyKey: aKey(),
          })
        ).ok,
      ).toBe(true);

    const { priceDistribution, efficiencyReport } = await api.data<{
      priceDistribution: { bookings: { compared: number; belowMinimumShare: number } };
      efficiencyReport: { totals: { bookings: number; belowMinimumPriceBookings: number } };
    }>(
      `{ priceDistribution(fundingBodyCode: "${MERTON}", categoryCode: "PERSONAL_CARE", on: "2026-06-01") { bookings { compared belowMinimumShare } }
         efficiencyReport(fundingBodyCode: "${MERTON}", from: "2026-04-01", to: "2026-05-31") { totals { bookings belowMinimumPriceBookings } } }`,
      {},
      { as: commissioner },
    );
    expect(efficiencyReport.totals).toEqual({ bookings: 1, belowMinimumPriceBookings: 1 });
    expect(priceDistribution.bookings).toEqual({ compared: 1, belowMinimumShare: 1 });
  });

  it("shows how prices sit around the rate: bands of 5%, anchoring at the rate, below the minimum", async () => {
    const commissioner = await aCommissioner(api.db);
    await rates(commissioner);
    await api.data(
      "mutation ($input: SetReferenceRateInput!) { setReferenceRate(input: $input) { userErrors { code } } }",
      {
        input: {
          fundingBodyCode: "E92000001",
          categoryCode: "PERSONAL_CARE",
          unit: "HOUR",
          ratePence: 2100,
          validFrom: "2025-04-01",
          sourceKind: "MINIMUM_PRICE",
          source: "minimum",
        },
      },
      { as: await aUser(api.db, { roles: ["ADMIN" as never] }) },
    );
    const provider = await aProvider(api.db);
    for (const price of [2200, 2200, 2200, 2090, 2000, 2420, 1100]) await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: price });
    await aListing(api.db, provider, { categoryCode: "PERSONAL_CARE", pricePence: 2200, rateType: "WEEKEND" as never });
    const { priceDistribution } = await api.data<{ priceDistribution: { listings: unknown; referenceRates: unknown[] } }>(
      `{ priceDistribution(fundingBodyCode: "${MERTON}", categoryCode: "PERSONAL_CARE", on: "2026-06-01") {
         referenceRates { ratePence } listings { compared withoutReference atRateShare belowMinimumShare bands { fromPercent toPercent count } } bookings { compared } } }`,
      {},
      { as: commissioner },
    );
    expect(priceDistribution.referenceRates).toEqual([{ ratePence: 2200 }]);
    // Merton publishes no WEEKEND rate: its STANDARD rate stands in for the weekend listing (item 5).
    expect(priceDistribution.listings).toEqual({
      compared: 8,
      withoutReference: 0,
      atRateShare: 0.5,
      belowMinimumShare: 0.375,
      bands: [
        { fromPercent: -50, toPercent: -45, count: 1 },
        { fromPercent: -10, toPercent: -5, count: 1 },
        { fromPercent: -5, toPercent: 0, count: 1 },
        { fromPercent: 0, toPercent: 5, count: 4 },
        { fromPercent: 10, toPercent: 15, count: 1 },
      ],
    });
    // With the fallback off, the weekend listing has no reference.
    const off = await api.data<{ updateFundingBodySettings: { fundingBody: { referenceFallback: boolean }; userErrors: unknown[] } }>(
      "mutation ($input: UpdateFundingBodySettingsInput!) { updateFundingBodySettings(input: $input) { fundingBody { referenceFallback } userErrors { code } } }",
      { input: { code: MERTON, referenceFallback: false } },
      { as: commissioner },
    );
    expect(off.updateFundingBodySettings).toEqual({ fundingBody: { referenceFallback: false }, userErrors: [] });
    const without = await api.data<{ priceDistribution: { listings: unknown } }>(
      `{ priceDistribution(fundingBodyCode: "${MERTON}", categoryCode: "PERSONAL_CARE", on: "2026-06-01") { listings { compared withoutReference atRateShare } } }`,
      {},
      { as: commissioner },
    );
    expect(without.priceDistribution.listings).toEqual({ compared: 7, withoutReference: 1, atRateShare: 0.4286 });
  });
});
