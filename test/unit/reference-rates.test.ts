import { PUBLISHED_REFERENCE_RATES } from "../../src/demo/reference-rates";
import { compare, pickRate, referencePerUnit, SourceKind } from "../../src/modules/pricing";
import { isDate, parseCsv, readRateCard } from "../../src/modules/pricing/reference-rate.rules";
import { RateType, Unit } from "../../src/modules/reference";

const HEADER = "funding_body_code,funding_body_name,category,unit,visit_minutes,rate_type,rate_pence,valid_from,valid_to,source_kind,source";
const known = { categories: new Set(["PA_SUPPORT", "PERSONAL_CARE"]), fundingBodies: new Set(["E09000024", "E92000001"]) };

describe("reading a rate card", () => {
  it("reads the published rates file", () => {
    const text = PUBLISHED_REFERENCE_RATES;
    const { rows, errors } = readRateCard(text, {
      categories: new Set(["PERSONAL_CARE", "PA_SUPPORT", "NIGHT_CARE", "LIVE_IN_CARE", "DAY_SERVICE", "RESIDENTIAL_CARE", "NURSING"]),
      fundingBodies: new Set(["E09000024", "E10000018", "E92000001"]),
    });
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(14);
    expect(rows[1]).toMatchObject({
      line: 3,
      categoryCode: "PA_SUPPORT",
      unit: "HOUR",
      ratePence: 1955,
      validFrom: "2023-08-21",
      validTo: null,
      sourceKind: "COUNCIL_DP_RATE",
    });
  });

  it("parses quoted fields with commas, quotes and line breaks", () => {
    expect(parseCsv('a,"b, c","say ""hi"""\r\n1,"two\nlines",3\n')).toEqual([
      { line: 1, cells: ["a", "b, c", 'say "hi"'] },
      { line: 2, cells: ["1", "two\nlines", "3"] },
    ]);
  });

  it("reports every bad row by line, with what is wrong", () => {
    const card = [
      HEADER,
      "E09000024,Merton,ASTROLOGY,HOUR,,STANDARD,1955,2023-08-21,,COUNCIL_DP_RATE,x",
      "E09000024,Merton,PA_SUPPORT,HOUR,,STANDARD,-5,2023-08-21,,COUNCIL_DP_RATE,x",
      "E09000024,Merton,PA_SUPPORT,HOUR,,STANDARD,1955,2023-08-21,,COUNCIL_DP_RATE,x",
      "E09000024,Merton,PA_SUPPORT,HOUR,,STANDARD,2000,2024-04-01,,COUNCIL_DP_RATE,overlaps line 4",
      "E09000024,Merton,PERSONAL_CARE,HOUR,,STANDARD,1955,21/08/2023,,COUNCIL_DP_RATE,x",
      "E09000024,Merton,PERSONAL_CARE,VISIT,,STANDARD,1190,2023-08-21,,COUNCIL_DP_RATE,x",
      `E09000024,Merton,PERSONAL_CARE,HOUR,,EVENING,1500,2023-08-21,,COUNCIL_DP_RATE,${"s".repeat(501)}`,
    ].join("\n");
    const { rows, errors } = readRateCard(card, known);
    expect(rows.map((r) => r.line)).toEqual([4]);
    expect(errors.map((e) => [e.code, e.message])).toEqual([
      ["NOT_FOUND", 'Line 2: unknown category "ASTROLOGY".'],
      ["INVALID_VALUE", 'Line 3: rate_pence must be a whole number of pence from 1 to 2147483647, not "-5".'],
      ["RATE_OVERLAP", "Line 5: overlaps line 4: the same rate cannot have two values on one day."],
      ["INVALID_VALUE", 'Line 6: valid_from must be a date like 2025-04-01, from 1900-01-01 to 2999-12-31, not "21/08/2023".'],
      ["INVALID_VALUE", "Line 7: visit_minutes is given for VISIT rates, and only for them."],
      ["INVALID_VALUE", "Line 8: the source is 501 characters long; at most 500, as setReferenceRate allows."],
    ]);
    expect(errors[0].field).toEqual(["csv", 2]);
  });

  it.each(["2023-13-01", "2023-02-30", "21/08/2023", "2023-8-21", ""])("knows %j is not a date", (text) => {
    expect(isDate(text)).toBe(false);
  });

  it("refuses a file without the expected header", () => {
    expect(readRateCard("code,rate\nE09000024,1955", known).errors.map((e) => e.message)).toEqual([`Line 1: the header must be ${HEADER}.`]);
  });
});

describe("comparing a price with a rate", () => {
  const version = (over: object) => ({
    id: "r",
    fundingBodyCode: "E09000024",
    categoryCode: "PA_SUPPORT",
    unit: Unit.HOUR,
    visitMinutes: null,
    rateType: RateType.STANDARD,
    sourceKind: SourceKind.COUNCIL_DP_RATE,
    ratePence: 1955,
    validFrom: "2023-08-21",
    validTo: null,
    ...over,
  });
  const hourly = { categoryCode: "PA_SUPPORT", unit: Unit.HOUR, visitMinutes: null, rateType: RateType.STANDARD };

  it("gives the saving and difference of the worked example (a PA at 1500p against 1955p)", () => {
    expect(compare(1500, 1955, null)).toEqual({
      referencePence: 1955,
      differencePence: -455,
      differencePercent: -23.3,
      savingPence: 455,
      minimumPricePence: null,
      belowMinimumPrice: false,
      legalMinimumPence: null,
      belowLegalMinimum: false,
    });
    expect(compare(2000, 2853, 2853).belowMinimumPrice).toBe(true);
    expect(compare(1200, 1955, null, 1221).belowLegalMinimum).toBe(true);
  });

  it("prices a visit from an hourly rate pro rata when there is no visit rate", () => {
    expect(referencePerUnit({ unit: Unit.HOUR, ratePence: 1955 }, { unit: Unit.VISIT, visitMinutes: 45 })).toBe(1466);
    expect(referencePerUnit({ unit: Unit.VISIT, ratePence: 1572 }, { unit: Unit.VISIT, visitMinutes: 45 })).toBe(1572);
  });

  it("picks the version in force on the day, the exact unit first, the direct-payment rate before the framework rate", () => {
    const versions = [
      version({ id: "old", validTo: "2026-03-31" }),
      version({ id: "new", ratePence: 2000, validFrom: "2026-04-01" }),
      version({ id: "framework", sourceKind: SourceKind.COUNCIL_FRAMEWORK_RATE, ratePence: 1800 }),
      version({ id: "visit45", unit: Unit.VISIT, visitMinutes: 45, ratePence: 1572 }),
    ];
    const council = [SourceKind.COUNCIL_DP_RATE, SourceKind.COUNCIL_FRAMEWORK_RATE];
    expect(pickRate(versions, hourly, "2026-03-31", council)?.rate.id).toBe("old");
    expect(pickRate(versions, hourly, "2026-04-01", council)?.rate.id).toBe("new");
    expect(pickRate(versions, { ...hourly, unit: Unit.VISIT, visitMinutes: 45 }, "2026-05-01", council)?.rate.id).toBe("visit45");
    expect(pickRate(versions, { ...hourly, unit: Unit.VISIT, visitMinutes: 30 }, "2026-05-01", council)).toMatchObject({ rate: { id: "new" }, pence: 1000 });
    expect(pickRate(versions, { ...hourly, rateType: RateType.WEEKEND }, "2026-05-01", council)).toBeNull();
    expect(pickRate(versions, hourly, "2020-01-01", council)).toBeNull();
  });
});
