/**
 * Rules that exist twice, once in SQL (statements that compare many rows at once) and once in
 * TypeScript (one booking at a time), must give the same answer. fast-check draws the inputs; the
 * database answers the SQL side. A disagreement here is a figure that differs between two reports.
 */
import fc from "fast-check";
import { type AgeBand, ageBandOf } from "../../src/modules/budgets";
import { councilRateLateral, minimumPriceLateral, pickRate, SourceKind, COUNCIL_KINDS, type RateVersion } from "../../src/modules/pricing";
import { RateType, Unit } from "../../src/modules/reference";
import { ageBandOn } from "../../src/modules/reports/report-facts.queries";
import { useApi } from "../support/api";

const RUNS = 150;
const FUNDING_BODY = "E09000024";
const NATIONAL = "E92000001";

/** Days as ISO strings, so that both sides see the same calendar. */
const day = (from: string, to: string) =>
  fc.date({ min: new Date(`${from}T00:00:00Z`), max: new Date(`${to}T00:00:00Z`), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe("SQL and TypeScript agree", () => {
  const api = useApi();

  it("on a client's age band, birthdays on 29 February included", async () => {
    const leapDay = fc.constantFrom("1940-02-29", "1960-02-29", "2008-02-29");
    await fc.assert(
      fc.asyncProperty(fc.oneof(day("1920-01-01", "2025-12-31"), leapDay), day("2024-01-01", "2030-12-31"), async (birth, on) => {
        const [row] = await api.db.query<{ band: AgeBand }[]>(`SELECT ${ageBandOn("$2::date")} AS band FROM (SELECT $1::date AS date_of_birth) c`, [birth, on]);
        expect(row.band).toBe(ageBandOf(birth, on));
      }),
      { numRuns: RUNS },
    );
  });

  /** One version of a rate; versions of one yardstick never overlap (the table's exclusion constraint). */
  type Version = RateVersion & { id: string };

  const YEARS = [
    { validFrom: "2025-04-01", validTo: "2026-03-31" },
    { validFrom: "2026-04-01", validTo: null },
  ];
  const yardstick = fc.record({
    categoryCode: fc.constantFrom("HOME_CARE", "PA_SUPPORT"),
    rateType: fc.constantFrom(RateType.STANDARD, RateType.EVENING),
    sourceKind: fc.constantFrom(SourceKind.COUNCIL_DP_RATE, SourceKind.COUNCIL_FRAMEWORK_RATE, SourceKind.MINIMUM_PRICE),
    unitAndMinutes: fc.constantFrom<[Unit, number | null]>([Unit.HOUR, null], [Unit.VISIT, 30], [Unit.VISIT, 45], [Unit.DAY, null]),
  });
  const versionsOf = fc
    .uniqueArray(yardstick, { maxLength: 12, selector: (y) => JSON.stringify(y) })
    .chain((yardsticks) =>
      fc.tuple(...yardsticks.map((y) => fc.tuple(fc.constant(y), fc.subarray(YEARS, { minLength: 1 }), fc.integer({ min: 500, max: 5_000 })))),
    )
    .map((drawn) =>
      drawn.flatMap(([y, years, ratePence], i) =>
        years.map((year, j): Version => ({
          id: `00000000-0000-4000-8000-${String(i * 10 + j).padStart(12, "0")}`,
          fundingBodyCode: y.sourceKind === SourceKind.MINIMUM_PRICE ? NATIONAL : FUNDING_BODY,
          categoryCode: y.categoryCode,
          unit: y.unitAndMinutes[0],
          visitMinutes: y.unitAndMinutes[1],
          rateType: y.rateType,
          sourceKind: y.sourceKind,
          ratePence: ratePence + j * 37,
          ...year,
        })),
      ),
    );
  const terms = fc.record({
    categoryCode: fc.constantFrom("HOME_CARE", "PA_SUPPORT"),
    rateType: fc.constantFrom(RateType.STANDARD, RateType.EVENING),
    unitAndMinutes: fc.constantFrom<[Unit, number | null]>([Unit.HOUR, null], [Unit.VISIT, 30], [Unit.VISIT, 45], [Unit.VISIT, 20], [Unit.DAY, null]),
  });

  /** The lateral's answer, with `reference_rates` shadowed by a CTE of the drawn versions. */
  async function sqlPick(versions: Version[], lateral: string, listing: { categoryCode: string; unit: Unit; visitMinutes: number | null; rateType: RateType }) {
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const rows = versions.map(
      (v) =>
        `(${p(v.id)}::uuid, ${p(v.fundingBodyCode)}::text, ${p(v.categoryCode)}::text, ${p(v.unit)}::unit, ${p(v.visitMinutes)}::int, ${p(v.rateType)}::rate_type, ` +
        `${p(v.sourceKind)}::reference_source_kind, ${p(v.ratePence)}::int, ${p(v.validFrom)}::date, ${p(v.validTo)}::date)`,
    );
    const empty =
      "SELECT NULL::uuid, NULL::text, NULL::text, NULL::unit, NULL::int, NULL::rate_type, NULL::reference_source_kind, NULL::int, NULL::date, NULL::date WHERE false";
    const listingRow = `SELECT ${p(listing.categoryCode)}::text AS category_code, ${p(listing.unit)}::unit AS unit, ${p(listing.visitMinutes)}::int AS visit_minutes, ${p(listing.rateType)}::rate_type AS rate_type`;
    const sql = `WITH reference_rates(id, funding_body_code, category_code, unit, visit_minutes, rate_type, source_kind, rate_pence, valid_from, valid_to) AS (${rows.length > 0 ? `VALUES ${rows.join(", ")}` : empty})
      SELECT x.id, x.pence, x.basis FROM (${listingRow}) l LEFT JOIN LATERAL ${lateral} x ON true`;
    const [row] = await api.db.query<{ id: string | null; pence: number | null; basis: string | null }[]>(sql, params);
    return row.id === null ? null : { id: row.id, pence: Number(row.pence), basis: row.basis };
  }

  it("on the reference rate and the minimum price a listing is measured against", async () => {
    await fc.assert(
      fc.asyncProperty(versionsOf, terms, day("2025-01-01", "2027-12-31"), fc.boolean(), async (versions, drawn, on, fallback) => {
        // The funding body's setting: its STANDARD rate stands in for a rate type without one (issue 10, item 5).
        await api.db.query("UPDATE funding_bodies SET reference_fallback = $2 WHERE code = $1", [FUNDING_BODY, fallback]);
        const listing = { categoryCode: drawn.categoryCode, rateType: drawn.rateType, unit: drawn.unitAndMinutes[0], visitMinutes: drawn.unitAndMinutes[1] };
        const onSql = `'${on}'::date`;
        const council = pickRate(
          versions.filter((v) => v.fundingBodyCode === FUNDING_BODY),
          listing,
          on,
          COUNCIL_KINDS,
          fallback,
        );
        const minimum = pickRate(
          versions.filter((v) => v.fundingBodyCode === NATIONAL),
          listing,
          on,
          [SourceKind.MINIMUM_PRICE],
        );
        expect(await sqlPick(versions, councilRateLateral("l", `'${FUNDING_BODY}'`, onSql), listing)).toEqual(
          council && { id: council.rate.id, pence: council.pence, basis: council.basis },
        );
        expect(await sqlPick(versions, minimumPriceLateral("l", onSql), listing)).toEqual(
          minimum && { id: minimum.rate.id, pence: minimum.pence, basis: minimum.basis },
        );
      }),
      { numRuns: RUNS },
    );
  });
});
