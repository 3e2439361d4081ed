/**
 * Time: a clock services ask (tests move it), local dates ("YYYY-MM-DD" strings, as PostgreSQL's
 * `date` and the LocalDate scalar carry them), and Europe/London wall-clock times, in which care is
 * scheduled: a weekly 09:00 visit stays 09:00 across the clock changes.
 */
import { GraphQLLocalDate } from "graphql-scalars";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Real time until it is set; then the instant it was set to, until it is moved or reset. The tests
 * move it, and the demo data lives through last year with it before the server listens.
 */
export class MovableClock implements Clock {
  private fixed: number | null = null;

  now(): Date {
    return new Date(this.fixed ?? Date.now());
  }

  set(instant: Date | string): void {
    this.fixed = new Date(instant).getTime();
  }

  advance(ms: number): void {
    this.fixed = (this.fixed ?? Date.now()) + ms;
  }

  reset(): void {
    this.fixed = null;
  }
}

/** The GraphQL scalar of calendar days. */
export const LocalDate = GraphQLLocalDate;

export const TIME_ZONE = "Europe/London";

/** A time of day, HH:MM (00:00 to 23:59). */
export const TIME_OF_DAY = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
/** A time of day that may be 24:00, the end of a day. */
export const END_TIME_OF_DAY = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

const LONDON = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Calendar fields of a wall-clock time; months 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function londonWallClock(instant: Date): WallClock {
  const parts = Object.fromEntries(LONDON.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute };
}

/**
 * The instant of a London wall-clock time. In the spring gap (01:00–02:00 does not exist) the
 * time moves forward by the gap; in the autumn overlap (01:00–02:00 happens twice) it is the
 * first, summer-time, occurrence.
 */
export function fromLondonWallClock(wall: WallClock): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const candidates = [asUtc - 3_600_000, asUtc].filter((t) => sameWallClock(londonWallClock(new Date(t)), wall));
  return new Date(candidates[0] ?? asUtc);
}

function sameWallClock(a: WallClock, b: WallClock): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;
}

/** The London calendar day of an instant, "YYYY-MM-DD". */
export function londonDate(instant: Date): string {
  const { year, month, day } = londonWallClock(instant);
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function addDays(date: string, days: number): string {
  const t = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The same day `months` later; a day the month lacks (31st, 29 February) becomes its last. */
export function addMonths(date: string, months: number): string {
  const index = +date.slice(0, 4) * 12 + (+date.slice(5, 7) - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(+date.slice(8, 10), lastDay))}`;
}

/** Whole years between a birth date and a day. */
export function ageOn(birthDate: string, day: string): number {
  const years = +day.slice(0, 4) - +birthDate.slice(0, 4);
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
