/**
 * Reference rates as pure functions: reading a council's rate card (the columns of
 * ../shared/data/reference-rates.csv), and comparing a price with the rate it is measured against.
 */
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { FIRST_DATE, LAST_DATE, MAX_PENCE } from "../../shared/validation";
import { RateType, Unit } from "../reference";
import { SourceKind } from "./pricing.enums";

export const CSV_COLUMNS = [
  "funding_body_code",
  "funding_body_name",
  "category",
  "unit",
  "visit_minutes",
  "rate_type",
  "rate_pence",
  "valid_from",
  "valid_to",
  "source_kind",
  "source",
] as const;

/** As `setReferenceRate`'s `source`: a citation, not a document. */
const MAX_SOURCE_LENGTH = 500;

export interface RateVersion {
  fundingBodyCode: string;
  categoryCode: string;
  unit: Unit;
  visitMinutes: number | null;
  rateType: RateType;
  sourceKind: SourceKind;
  ratePence: number;
  validFrom: string;
  validTo: string | null;
}

export interface RateRow extends RateVersion {
  line: number;
  source: string;
}

/** RFC 4180: commas, quoted fields, doubled quotes, CRLF or LF. Lines are numbered from 1 (the header). */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== "")) records.push({ line: recordLine, cells });
      cells = [];
      cell = "";
      recordLine = ++line;
    } else cell += ch;
  }
  cells.push(cell);
  if (cells.some((c) => c.trim() !== "")) records.push({ line: recordLine, cells });
  return records;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (not 2023-13-01, not 2023-02-30), in the years the app supports. */
export function isDate(text: string): boolean {
  if (!DATE.test(text) || text < FIRST_DATE || text > LAST_DATE) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

function oneOf<T extends string>(values: Record<string, T>, text: string): T | null {
  return (Object.values(values) as string[]).includes(text) ? (text as T) : null;
}

/** Reads a rate card: each good row, and each bad one's line with what is wrong. */
export function readRateCard(
  text: string,
  known: { categories: ReadonlySet<string>; fundingBodies: ReadonlySet<string> },
): { rows: RateRow[]; errors: UserErrorData[] } {
  const records = parseCsv(text);
  const errors: UserErrorData[] = [];
  const lineError = (line: number, code: UserErrorCode, what: string) => errors.push({ code, message: `Line ${line}: ${what}`, field: ["csv", line] });
  const header = records.shift();
  if (!header || header.cells.map((c) => c.trim()).join(",") !== CSV_COLUMNS.join(",")) {
    lineError(1, UserErrorCode.INVALID_VALUE, `the header must be ${CSV_COLUMNS.join(",")}.`);
    return { rows: [], errors };
  }
  const rows: RateRow[] = [];
  for (const { line, cells } of records) {
    const value = Object.fromEntries(CSV_COLUMNS.map((column, i) => [column, (cells[i] ?? "").trim()])) as Record<(typeof CSV_COLUMNS)[number], string>;
    const problems: [UserErrorCode, string][] = [];
    if (cells.length !== CSV_COLUMNS.length) problems.push([UserErrorCode.INVALID_VALUE, `expected ${CSV_COLUMNS.length} columns, found ${cells.length}.`]);
    if (!known.fundingBodies.has(value.funding_body_code)) problems.push([UserErrorCode.NOT_FOUND, `unknown funding body "${value.funding_body_code}".`]);
    if (!known.categories.has(value.category)) problems.push([UserErrorCode.NOT_FOUND, `unknown category "${value.category}".`]);
    const unit = oneOf(Unit, value.unit);
    if (!unit) problems.push([UserErrorCode.INVALID_VALUE, `unknown unit "${value.unit}" (${Object.values(Unit).join(", ")}).`]);
    const visitMinutes = value.visit_minutes === "" ? null : Number(value.visit_minutes);
    if (visitMinutes !== null && !(Number.isInteger(visitMinutes) && visitMinutes >= 5 && visitMinutes <= 1440)) {
      problems.push([UserErrorCode.INVALID_VALUE, `visit_minutes must be a whole number of minutes from 5 to 1440, not "${value.visit_minutes}".`]);
    }
    if (unit && (unit === Unit.VISIT) !== (visitMinutes !== null))
      problems.push([UserErrorCode.INVALID_VALUE, "visit_minutes is given for VISIT rates, and only for them."]);
    const rateType = oneOf(RateType, value.rate_type);
    if (!rateType) problems.push([UserErrorCode.INVALID_VALUE, `unknown rate type "${value.rate_type}".`]);
    const ratePence = Number(value.rate_pence);
    if (!/^\d+$/.test(value.rate_pence) || ratePence <= 0 || ratePence > MAX_PENCE) {
      problems.push([UserErrorCode.INVALID_VALUE, `rate_pence must be a whole number of pence from 1 to ${MAX_PENCE}, not "${value.rate_pence}".`]);
    }
    const years = `from ${FIRST_DATE} to ${LAST_DATE}`;
    if (!isDate(value.valid_from))
      problems.push([UserErrorCode.INVALID_VALUE, `valid_from must be a date like 2025-04-01, ${years}, not "${value.valid_from}".`]);
    if (value.valid_to !== "" && !isDate(value.valid_to))
      problems.push([UserErrorCode.INVALID_VALUE, `valid_to must be empty or a date like 2026-03-31, ${years}, not "${value.valid_to}".`]);
    else if (value.valid_to !== "" && value.valid_to < value.valid_from) problems.push([UserErrorCode.INVALID_VALUE, "valid_to is before valid_from."]);
    const sourceKind = oneOf(SourceKind, value.source_kind);
    if (!sourceKind) problems.push([UserErrorCode.INVALID_VALUE, `unknown source kind "${value.source_kind}" (${Object.values(SourceKind).join(", ")}).`]);
    if (value.source === "") problems.push([UserErrorCode.INVALID_VALUE, "say where the rate was published (source)."]);
    if (value.source.length > MAX_SOURCE_LENGTH)
      problems.push([
        UserErrorCode.INVALID_VALUE,
        `the source is ${value.source.length} characters long; at most ${MAX_SOURCE_LENGTH}, as setReferenceRate allows.`,
      ]);
    if (problems.length > 0) {
      for (const [code, what] of problems) lineError(line, code, what);
      continue;
    }
    const row: RateRow = {
      line,
      fundingBodyCode: value.funding_body_code,
      categoryCode: value.category,
      unit: unit!,
      visitMinutes,
      rateType: rateType!,
      ratePence,
      validFrom: value.valid_from,
      validTo: value.valid_to || null,
      sourceKind: sourceKind!,
      source: value.source,
    };
    const clash = rows.find((other) => sameYardstick(other, row) && overlaps(other, row));
    if (clash) lineError(line, UserErrorCode.RATE_OVERLAP, `overlaps line ${clash.line}: the same rate cannot have two values on one day.`);
    else rows.push(row);
  }
  return { rows, errors };
}

/** Same funding body, category, unit, visit length, rate type and source kind. */
export function sameYardstick(a: RateVersion, b: RateVersion): boolean {
  return (
    a.fundingBodyCode === b.fundingBodyCode &&
    a.categoryCode === b.categoryCode &&
    a.unit === b.unit &&
    (a.visitMinutes ?? 0) === (b.visitMinutes ?? 0) &&
    a.rateType === b.rateType &&
    a.sourceKind === b.sourceKind
  );
}

export function overlaps(a: { validFrom: string; validTo: string | null }, b: { validFrom: string; validTo: string | null }): boolean {
  return (a.validTo === null || a.validTo >= b.validFrom) && (b.validTo === null || b.validTo >= a.validFrom);
}

export function sameVersion(a: RateVersion, b: RateVersion): boolean {
  return sameYardstick(a, b) && a.validFrom === b.validFrom && a.validTo === b.validTo && a.ratePence === b.ratePence;
}

/**
 * The reference price of one unit of a listing: the rate itself when the units match; for a
 * VISIT priced against an HOUR rate, the rate pro rata (a 45-minute visit at 1955p/h: 1466p).
 */
export function referencePerUnit(rate: { unit: Unit; ratePence: number }, listing: { unit: Unit; visitMinutes: number | null }): number {
  if (rate.unit === Unit.HOUR && listing.unit === Unit.VISIT && listing.visitMinutes) return Math.round((rate.ratePence * listing.visitMinutes) / 60);
  return rate.ratePence;
}

/**
 * reference − cost: what buying at `costPence` saves against the reference cost `referencePence`
 * (negative: a premium over it); null without a reference. The one saving of the app (SQL: `savingSql`).
 */
export function savingPence(referencePence: number, costPence: number): number;
export function savingPence(referencePence: number | null, costPence: number): number | null;
export function savingPence(referencePence: number | null, costPence: number): number | null {
  return referencePence === null ? null : referencePence - costPence;
}

/**
 * "Below the minimum", the one definition both reports and every comparison use: a price per unit
 * under the minimum price in force on the day it is judged (England's MINIMUM_PRICE for the
 * category, an hourly figure pro rata for a visit). A visit is judged on its own day when it is
 * booked (`snapshotOn`, frozen as `visits.below_minimum_price`); a booking is below the minimum
 * when one of the visits a report counts is (SQL: `belowMinimumSql`, `bookingBelowMinimumSql`).
 */
export function isBelowMinimum(pricePence: number, minimumPence: number | null): boolean {
  return minimumPence !== null && pricePence < minimumPence;
}

/** The category whose prices are an employed personal assistant's hourly wage. */
export const PERSONAL_ASSISTANT_CATEGORY = "PA_SUPPORT";

/**
 * The legal floor of a personal assistant's pay: the National Living Wage (age 21 and over, National
 * Minimum Wage Regulations 2015 as amended each April), effective-dated like a reference rate.
 */
export const NATIONAL_LIVING_WAGE: readonly { validFrom: string; validTo: string | null; pencePerHour: number }[] = [
  { validFrom: "2023-04-01", validTo: "2024-03-31", pencePerHour: 1042 },
  { validFrom: "2024-04-01", validTo: "2025-03-31", pencePerHour: 1144 },
  { validFrom: "2025-04-01", validTo: "2026-03-31", pencePerHour: 1221 },
  { validFrom: "2026-04-01", validTo: null, pencePerHour: 1271 },
];

/**
 * The legal minimum per unit of a personal assistant's price on `day`, pro rata for a visit and rounded up
 * (a 45-minute visit at 1221p/h must cost 916p: 915p is below 915.75p); null for other categories and units.
 */
export function legalMinimumPence(terms: { categoryCode: string; unit: Unit; visitMinutes: number | null }, day: string): number | null {
  if (terms.categoryCode !== PERSONAL_ASSISTANT_CATEGORY) return null;
  const wage = NATIONAL_LIVING_WAGE.find((w) => w.validFrom <= day && (w.validTo === null || w.validTo >= day));
  if (!wage) return null;
  if (terms.unit === Unit.HOUR) return wage.pencePerHour;
  if (terms.unit === Unit.VISIT && terms.visitMinutes) return Math.ceil((wage.pencePerHour * terms.visitMinutes) / 60);
  return null;
}

export interface Comparison {
  referencePence: number;
  /** price − reference: positive is a premium over the rate. */
  differencePence: number;
  differencePercent: number;
  /** reference − price: what buying at this price saves per unit (negative: a premium). */
  savingPence: number;
  minimumPricePence: number | null;
  belowMinimumPrice: boolean;
  /** The National Living Wage per unit, for a personal assistant's price. */
  legalMinimumPence: number | null;
  belowLegalMinimum: boolean;
}

export function compare(pricePence: number, referencePence: number, minimumPricePence: number | null, legalMinimum: number | null = null): Comparison {
  const differencePence = pricePence - referencePence;
  return {
    referencePence,
    differencePence,
    differencePercent: Math.round((differencePence / referencePence) * 1000) / 10,
    savingPence: savingPence(referencePence, pricePence),
    minimumPricePence,
    belowMinimumPrice: isBelowMinimum(pricePence, minimumPricePence),
    legalMinimumPence: legalMinimum,
    belowLegalMinimum: isBelowMinimum(pricePence, legalMinimum),
  };
}
