/** The reports' pure rules. */
import { addDays, addMonths } from "../../shared/time";

/** The months a period of days covers whole, as first days [first, end); first = end when it covers none. */
export function wholeMonths(from: string, to: string): { first: string; end: string } {
  const first = from.endsWith("-01") ? from : addMonths(`${from.slice(0, 8)}01`, 1);
  const after = addDays(to, 1);
  const end = after.endsWith("-01") ? after : `${after.slice(0, 8)}01`;
  return { first, end: end > first ? end : first };
}
