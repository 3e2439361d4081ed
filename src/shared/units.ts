/**
 * The one rule for quantities of units (hours, visits, sessions, days): exact to hundredths (what
 * numeric(8,2) stores and `costPence` prices exactly), within one bound per kind of quantity.
 */
import { isHundredths } from "./money";
import { MAX_UNITS } from "./validation";

export enum Quantity {
  /** Units delivered in one visit or session, or one participant's share of it. */
  PER_VISIT = "PER_VISIT",
  /** Units a client needs each week. */
  PER_WEEK = "PER_WEEK",
  /** Units a provider can supply each week (zero: none at the moment). */
  WEEKLY_CAPACITY = "WEEKLY_CAPACITY",
}

export interface UnitBounds {
  /** The smallest quantity allowed, and whether it is itself allowed. */
  min: number;
  minInclusive: boolean;
  max: number;
  /** How a message names the quantity. */
  name: string;
}

export const UNIT_BOUNDS: Readonly<Record<Quantity, Readonly<UnitBounds>>> = {
  [Quantity.PER_VISIT]: { min: 0, minInclusive: false, max: 10_000, name: "Units per visit" },
  [Quantity.PER_WEEK]: { min: 0, minInclusive: false, max: 10_000, name: "Units per week" },
  [Quantity.WEEKLY_CAPACITY]: { min: 0, minInclusive: true, max: MAX_UNITS, name: "Weekly capacity" },
};

/** Whether `units` is a quantity of this kind. */
export function isUnits(kind: Quantity, units: number): boolean {
  const { min, minInclusive, max } = UNIT_BOUNDS[kind];
  return (minInclusive ? units >= min : units > min) && units <= max && isHundredths(units);
}

/** What a quantity of this kind must be, for the message of an INVALID_VALUE. */
export function unitsRule(kind: Quantity): string {
  const { min, minInclusive, max, name } = UNIT_BOUNDS[kind];
  const from = minInclusive ? `at least ${min}` : `more than ${min}`;
  return `${name} is ${from} and at most ${max.toLocaleString("en-GB")}, with at most two decimals (e.g. 1.5).`;
}
