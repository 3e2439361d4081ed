/**
 * When visits happen. Recurrences are RFC 5545 RRULEs in Europe/London wall-clock time: the rule
 * runs on "floating" local times (as if London were UTC), then each occurrence becomes the
 * instant it is in London that day, so a weekly 09:00 visit stays at 09:00 across clock changes.
 */
import { Frequency, RRule, type Options } from "rrule";
import { fail, ok, UserErrorCode, type Result } from "../../shared/errors";
import { fromLondonWallClock, londonWallClock } from "../../shared/time";
import { Unit } from "../reference";

/**
 * When and how much: the first visit, its recurrence (RFC 5545 RRULE in London wall-clock time,
 * null for one visit) and the units of each visit. A value embedded, flat, wherever a schedule is
 * stored or asked for (a booking, a group session, a quote, a package item): the columns stay
 * starts_at / recurrence / units_per_visit (units_per_session for a group session).
 */
export interface Schedule {
  readonly startsAt: Date;
  readonly recurrence: string | null;
  readonly unitsPerVisit: number;
}

/** The schedule embedded in a command or a row (a booking, a quote, a package item), on its own. */
export function scheduleFields(of: Schedule): Schedule {
  return { startsAt: of.startsAt, recurrence: of.recurrence, unitsPerVisit: of.unitsPerVisit };
}

/** A group session's schedule, from its columns (units_per_session: the units of one session). */
export function groupSchedule(session: { startsAt: Date; recurrence: string | null; unitsPerSession: number }): Schedule {
  return { startsAt: session.startsAt, recurrence: session.recurrence, unitsPerVisit: session.unitsPerSession };
}

/** A schedule as a group session's columns. */
export function sessionColumns(schedule: Schedule): { startsAt: Date; recurrence: string | null; unitsPerSession: number } {
  return { startsAt: schedule.startsAt, recurrence: schedule.recurrence, unitsPerSession: schedule.unitsPerVisit };
}

/** A schedule as asked for: an empty or blank recurrence is one visit. */
export function scheduleOf(startsAt: Date, recurrence: string | null | undefined, unitsPerVisit: number): Schedule {
  return { startsAt, recurrence: recurrence?.trim() || null, unitsPerVisit };
}

/** About three years of daily visits: more is a mistake in the rule. */
export const MAX_VISITS = 1000;

const ALLOWED_FREQUENCIES = new Set([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY]);

/** Start instants of the visits: `startsAt`, and its recurrences up to `lastDay` (a London date, inclusive). */
export function visitStarts(startsAt: Date, recurrence: string | null, lastDay: string, field: (string | number)[] = ["recurrence"]): Result<Date[]> {
  if (!recurrence) return ok([startsAt]);
  const rule = parseRule(recurrence, field);
  if (!rule.ok) return rule;
  const start = londonWallClock(startsAt);
  const floatingStart = new Date(Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute));
  const floatingEnd = new Date(Date.UTC(+lastDay.slice(0, 4), +lastDay.slice(5, 7) - 1, +lastDay.slice(8, 10), 23, 59, 59));
  const occurrences = new RRule({ ...rule.value, dtstart: floatingStart }).between(floatingStart, floatingEnd, true, (_d, i) => i <= MAX_VISITS);
  if (occurrences.length > MAX_VISITS) {
    return fail(UserErrorCode.INVALID_VALUE, `The recurrence makes more than ${MAX_VISITS} visits: give it an end (UNTIL or COUNT).`, field);
  }
  return ok(
    occurrences.map((d) =>
      fromLondonWallClock({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() }),
    ),
  );
}

/**
 * How many visits a schedule has after `periodEnd` up to its own end: `lastDay` (a quoted period's
 * or a package item's last day), else its RRULE's UNTIL or COUNT (at most MAX_VISITS counted). A
 * schedule without an end has none: it runs to the budget period's end by design. Those visits
 * are the ones a booking within the period would silently lose.
 */
export function visitsAfter(startsAt: Date, recurrence: string | null, periodEnd: string, lastDay?: string): { count: number; last: string | null } {
  const none = { count: 0, last: null };
  if (!recurrence || (lastDay !== undefined && lastDay <= periodEnd)) return none;
  const rule = parseRule(recurrence, []);
  if (!rule.ok) return none;
  const ruleEnd = rule.value.until ? rule.value.until.toISOString().slice(0, 10) : rule.value.count ? "9999-12-31" : null;
  const end = [lastDay, ruleEnd].filter((d): d is string => Boolean(d)).sort()[0];
  if (!end || end <= periodEnd) return none;
  const start = londonWallClock(startsAt);
  const floatingStart = new Date(Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute));
  const floating = (day: string, hour: number, minute: number, second: number) =>
    new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10), hour, minute, second));
  const after = new RRule({ ...rule.value, dtstart: floatingStart }).between(
    floating(periodEnd, 23, 59, 59),
    end === "9999-12-31" ? new Date(Date.UTC(9999, 11, 31)) : floating(end, 23, 59, 59),
    true,
    (_d, i) => i < MAX_VISITS,
  );
  const last = after[after.length - 1];
  return { count: after.length, last: last ? last.toISOString().slice(0, 10) : null };
}

function parseRule(text: string, field: (string | number)[]): Result<Partial<Options>> {
  const invalid = (why: string) =>
    fail<Partial<Options>>(UserErrorCode.INVALID_VALUE, `The recurrence is not a usable RRULE: ${why}. Example: FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12.`, field);
  const rule = text.trim().replace(/^RRULE:/i, "");
  if (/DTSTART|TZID|\n/i.test(rule)) return invalid("give the first visit as startsAt, not DTSTART or TZID");
  let options: Partial<Options>;
  try {
    options = RRule.parseString(rule);
  } catch {
    return invalid("it has an unknown property");
  }
  if (options.freq === undefined || !ALLOWED_FREQUENCIES.has(options.freq)) return invalid("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY");
  for (const key of ["count", "interval"] as const) {
    const value = options[key];
    if (value !== undefined && value !== null && !(Number.isInteger(value) && value >= 1)) return invalid(`${key.toUpperCase()} must be a whole number`);
  }
  if (options.byhour || options.byminute || options.bysecond) return invalid("the time of day comes from startsAt (no BYHOUR, BYMINUTE or BYSECOND)");
  return ok(options);
}

/** How long one visit lasts, for the diary (and the personal-assistant overlap rule). */
export function visitMinutes(unit: Unit, listingVisitMinutes: number | null, units: number): number {
  const perUnit: Record<Unit, number> = {
    [Unit.HOUR]: 60,
    [Unit.VISIT]: listingVisitMinutes ?? 60,
    [Unit.SESSION]: listingVisitMinutes ?? 60,
    [Unit.HALF_DAY]: 240,
    [Unit.DAY]: 480,
    [Unit.NIGHT]: 600,
    [Unit.WEEK]: 7 * 24 * 60,
    [Unit.ITEM]: 1,
  };
  return Math.max(1, Math.round(perUnit[unit] * (unit === Unit.ITEM ? 1 : units)));
}
