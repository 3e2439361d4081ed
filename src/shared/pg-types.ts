/**
 * How this application's connections read PostgreSQL values. Sessions run in UTC (all times are
 * UTC in the database and the API), so timestamptz arrives as "2026-11-24 14:41:14.861234+00",
 * which is parsed here without the general parser's regular expression: a page of search results
 * carries a hundred of them.
 */
import { types, type CustomTypesConfig } from "pg";

/**
 * Sessions run in UTC, and without JIT compilation: the planner's estimates for the efficiency
 * report put it far above jit_above_cost, and compiling it took 3.3 s of a 3.8 s answer over
 * 100,000 visits (PostgreSQL 15 with LLVM); no statement of this application runs long enough to
 * repay compiling.
 */
export const SESSION_OPTIONS = "-c TimeZone=UTC -c jit=off";

const TIMESTAMPTZ = 1184;
/** `date` stays "YYYY-MM-DD": a calendar day, not an instant in the server's time zone. */
const DATE = 1082;
const parseTimestamptzSlowly = types.getTypeParser(TIMESTAMPTZ, "text") as (text: string) => Date;

/** "YYYY-MM-DD HH:MM:SS[.ffffff]+00" from year 1000 on, fast; anything else (BC, infinity, other offsets) the usual way. */
export function parseTimestamptz(text: string): Date {
  const length = text.length;
  if (length < 22 || length > 29 || text[0] === "0" || text[4] !== "-" || text[10] !== " " || !text.endsWith("+00")) return parseTimestamptzSlowly(text);
  const fraction = length > 22 ? text.slice(20, Math.min(23, length - 3)).padEnd(3, "0") : "0";
  const ms = Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10), +text.slice(11, 13), +text.slice(14, 16), +text.slice(17, 19), +fraction);
  return Number.isNaN(ms) ? parseTimestamptzSlowly(text) : new Date(ms);
}

/** pg-types declares its parsers as `any`; these are their shapes. */
type TextParser = (text: string) => unknown;
type BinaryParser = (value: Buffer) => unknown;

export const pgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary"): TextParser | BinaryParser =>
    format === "binary"
      ? (types.getTypeParser(oid, format) as BinaryParser)
      : oid === TIMESTAMPTZ
        ? parseTimestamptz
        : oid === DATE
          ? (text: string) => text
          : (types.getTypeParser(oid, format) as TextParser)) as CustomTypesConfig["getTypeParser"],
};
