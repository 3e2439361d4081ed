/** What every part of the demo data needs: its days at a London hour, and its steps' results. */
import type { Result } from "../shared/errors";
import { fromLondonWallClock } from "../shared/time";

/** A London day ("YYYY-MM-DD") at a whole hour. */
export function londonAt(day: string, hour: number): Date {
  return fromLondonWallClock({ year: +day.slice(0, 4), month: +day.slice(5, 7), day: +day.slice(8, 10), hour, minute: 0 });
}

/** The value of a step the demo cannot do without: a refusal is a bug in the demo data, said plainly. */
export function succeeded<T>(what: string, result: Result<T>): T {
  if (!result.ok) throw new Error(`${what} did not load: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.value;
}
