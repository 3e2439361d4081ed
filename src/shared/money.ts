/**
 * Money is integer pence (GBP), everywhere: in columns (`*_pence`), in the API (`SafeInt` fields
 * named `…Pence`) and in arithmetic. Rounding happens only here.
 */
import { GraphQLSafeInt } from "graphql-scalars";
import type { ValueTransformer } from "typeorm";

/** The GraphQL scalar of every money field: integers up to 2^53−1 (a 32-bit Int stops at £21m). */
export const Pence = GraphQLSafeInt;

/** `bigint` columns come back from `pg` as strings; money must stay exact, so refuse anything unsafe. */
export const bigintPence: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : toSafePence(value)),
};

export function toSafePence(value: string | number | bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Not a whole number of pence within the safe range: ${String(value)}`);
  return n;
}

/** "£1,234.56" for messages. */
export function formatPounds(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  const pounds = Math.trunc(abs / 100).toLocaleString("en-GB");
  return `${sign}£${pounds}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * The cost of `units` (a quantity with at most two decimals, e.g. 0.75 hours) at a unit price:
 * exact integer arithmetic on hundredths of a unit, half a penny rounding up.
 */
/** The most one visit, price or posting may be: what an `integer` column holds (£21,474,836.47). */
export const MAX_PENCE = 2_147_483_647;

export function costPence(units: number, unitPricePence: number): number {
  const hundredths = Math.round(units * 100);
  return Math.floor((hundredths * unitPricePence + 50) / 100);
}

/**
 * Whether a quantity has at most two decimals (what costPence can price exactly), allowing for
 * float noise (0.1 + 0.2). A quantity that is not zero must not round to zero hundredths: 1e-320
 * is within any tolerance of 0, yet is no quantity anyone can deliver.
 */
export function isHundredths(units: number): boolean {
  const hundredths = Math.round(units * 100);
  return Number.isFinite(units) && Math.abs(units * 100 - hundredths) < 1e-6 && (hundredths !== 0 || units === 0);
}

/** `numeric` columns come back from `pg` as strings. */
export const numericQuantity: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * Splits `total` pence in proportion to `weights` by largest remainder: whole pence that add up
 * to `total` exactly (ties go to the earlier share). 10,000p over six equal shares: 1,667 ×4, 1,666 ×2.
 */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const shares = exact.map((e) => Number(e / BigInt(sum)));
  const remainders = exact.map((e, i) => ({ i, r: e % BigInt(sum) }));
  let left = total - shares.reduce((a, b) => a + b, 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left-- <= 0) break;
    shares[i] += 1;
  }
  return shares;
}
