/**
 * Time bands (DOMAIN.md rule 12): when a visit of each rate type may happen, defined once. Booking
 * (and so quote acceptance, package agreement and group sessions), quote requests and the planner's
 * schedules all ask visitInBand. Every time is Europe/London wall-clock time.
 *
 * - STANDARD: whenever. Councils price the premium bands apart; a standard rate is the rate of
 *   every time no premium band claims, and a client may choose to pay it at a weekend.
 * - EVENING: the visit starts at or after the funding body's `eveningFromHour` (default 18:00)
 *   and before midnight.
 * - WEEKEND: the visit starts on a Saturday or a Sunday.
 * - BANK_HOLIDAY: the visit starts on a bank holiday in England and Wales (BANK_HOLIDAYS).
 * - SLEEP_IN, WAKING_NIGHT: overnight: the visit starts from 20:00 (NIGHT_FROM_HOUR) to
 *   midnight and ends by 10:00 (NIGHT_UNTIL_HOUR) the next morning.
 * - LIVE_IN: whole days: the visit lasts at least 24 hours.
 *
 * A visit belongs to the day it starts on (as its reference rate does, snapshotOn): a WEEKEND
 * visit from Sunday 23:00 to Monday 01:00 is in the band; one from Friday 23:00 to Saturday 01:00
 * is not.
 */
import { addDays, fromLondonWallClock, londonDate, londonWallClock } from "../../shared/time";
import { RateType } from "./reference.enums";

/** A funding body's settings the bands read. */
export interface BandSettings {
  /** The hour (0–23, London) from which an EVENING visit may start. */
  eveningFromHour: number;
}

/** Where a funding body states no evening hour (the column's default). */
export const DEFAULT_EVENING_FROM_HOUR = 18;
/** An overnight (SLEEP_IN, WAKING_NIGHT) visit starts at or after this hour… */
export const NIGHT_FROM_HOUR = 20;
/** …and ends by this hour of the next morning. */
export const NIGHT_UNTIL_HOUR = 10;
/** A LIVE_IN visit lasts at least a whole day. */
export const LIVE_IN_MIN_MINUTES = 24 * 60;

/**
 * Bank holidays in England and Wales (Banking and Financial Dealings Act 1971, Sch. 1, and the
 * yearly proclamations), substitute days included, as gov.uk/bank-holidays publishes them; 2027
 * and 2028 follow the same rules (Easter 28 March 2027 and 16 April 2028) until gov.uk publishes
 * them. A year past the table is no bank holiday: add its row before then.
 */
export const BANK_HOLIDAYS: Readonly<Record<number, readonly string[]>> = {
  2024: ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"],
  2025: ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"],
  // Boxing Day is a Saturday: Monday 28 December is its substitute.
  2026: ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"],
  // Christmas Day and Boxing Day are a Saturday and a Sunday: Monday 27 and Tuesday 28 December.
  2027: ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"],
  // New Year's Day is a Saturday: Monday 3 January is its substitute.
  2028: ["2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"],
};

const HOLIDAYS = new Set(Object.values(BANK_HOLIDAYS).flat());

/** The day ("YYYY-MM-DD") is a bank holiday in England and Wales. */
export function isBankHoliday(day: string): boolean {
  return HOLIDAYS.has(day);
}

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** Monday 0 … Sunday 6 of a calendar day. */
function weekdayOf(day: string): number {
  return (new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/** The visit falls in the time band of the rate type. */
export function visitInBand(startsAt: Date, endsAt: Date, rateType: RateType, bands: BandSettings): boolean {
  const start = londonWallClock(startsAt);
  const day = londonDate(startsAt);
  switch (rateType) {
    case RateType.STANDARD:
      return true;
    case RateType.EVENING:
      return start.hour >= bands.eveningFromHour;
    case RateType.WEEKEND:
      return weekdayOf(day) >= 5;
    case RateType.BANK_HOLIDAY:
      return isBankHoliday(day);
    case RateType.SLEEP_IN:
    case RateType.WAKING_NIGHT: {
      if (start.hour < NIGHT_FROM_HOUR) return false;
      const next = addDays(day, 1);
      const morning = fromLondonWallClock({ year: +next.slice(0, 4), month: +next.slice(5, 7), day: +next.slice(8, 10), hour: NIGHT_UNTIL_HOUR, minute: 0 });
      return endsAt.getTime() <= morning.getTime();
    }
    case RateType.LIVE_IN:
      return endsAt.getTime() - startsAt.getTime() >= LIVE_IN_MIN_MINUTES * 60_000;
  }
}

/** What the band of a rate type is, for messages: "Saturdays and Sundays". */
export function bandDescription(rateType: RateType, bands: BandSettings): string {
  switch (rateType) {
    case RateType.STANDARD:
      return "whichever day and time";
    case RateType.EVENING:
      return `evenings, starting from ${pad(bands.eveningFromHour)}:00`;
    case RateType.WEEKEND:
      return "Saturdays and Sundays";
    case RateType.BANK_HOLIDAY:
      return "bank holidays in England and Wales";
    case RateType.SLEEP_IN:
    case RateType.WAKING_NIGHT:
      return `overnight, starting from ${pad(NIGHT_FROM_HOUR)}:00 and ending by ${pad(NIGHT_UNTIL_HOUR)}:00 the next morning`;
    case RateType.LIVE_IN:
      return "whole days (24 hours or more a visit)";
  }
}

/** The first visit outside the band, or null when all are in it. */
export function firstOutsideBand<V extends { startsAt: Date; endsAt: Date }>(visits: readonly V[], rateType: RateType, bands: BandSettings): V | null {
  return visits.find((v) => !visitInBand(v.startsAt, v.endsAt, rateType, bands)) ?? null;
}

/** The refusal of a visit outside the band: names its day and time, the band, and what to do. */
export function outsideBandMessage(title: string, visit: { startsAt: Date }, rateType: RateType, bands: BandSettings): string {
  const wall = londonWallClock(visit.startsAt);
  const date = londonDate(visit.startsAt);
  const day = `${WEEKDAY_NAMES[weekdayOf(date)]} ${date}`;
  return (
    `The visit on ${day} at ${pad(wall.hour)}:${pad(wall.minute)} is outside the ${rateType} band of "${title}" (${bandDescription(rateType, bands)}). ` +
    `Move the visits into the band, or choose a listing whose rate type covers that time.`
  );
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
