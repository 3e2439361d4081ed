/**
 * A planned item's weekly schedule: the days and the time of its visits, concrete enough for
 * `addPackageItem` to take as it is (a first visit, an RRULE, the units of each visit). Pure.
 *
 * One RRULE at one time of day, so every visit is the same length: the week's units are spread
 * over k of the allowed days (the need's days, else the listing's), each visit's units exact to
 * the hundredth and as close as can be to one unit (an hour, a visit, a session); the visits keep
 * inside the listing's hours, the need's hours and the time band of the listing's rate type (a
 * predicate the caller passes). No such schedule: null, and the planner leaves the listing out.
 */
import { addDays, fromLondonWallClock } from "../../shared/time";
import { isUnits, Quantity } from "../../shared/units";
import { visitMinutes } from "../bookings";
import { RateType, Unit, visitInBand, Weekday, type BandSettings } from "../reference";

/** A weekly visit: its day and London wall-clock minutes from midnight (the end may pass 1,440: overnight). */
export interface WeeklySlot {
  day: Weekday;
  startMinute: number;
  endMinute: number;
}

/** Whether a weekly visit falls in the time band of a rate type. */
export type BandTest = (rateType: RateType, slot: WeeklySlot) => boolean;

/** What a schedule is made for: the listing's unit, rate type and hours, and the need's days and hours. */
export interface ScheduleAsk {
  /** The week's units, in the listing's unit. */
  weeklyUnits: number;
  unit: Unit;
  visitMinutes: number | null;
  rateType: RateType;
  listingDays: readonly Weekday[];
  /** HH:MM */
  listingFrom: string;
  /** HH:MM, 24:00 for midnight. */
  listingTo: string;
  needDays?: readonly Weekday[] | null;
  needFrom?: string | null;
  needTo?: string | null;
  /** The first visit falls on this London day or after. */
  firstDay: string;
}

export interface PlannedSchedule {
  /** The first visit. */
  startsAt: Date;
  /** FREQ=WEEKLY;BYDAY=…, without an end: the visits run to the budget period's end. */
  recurrence: string;
  unitsPerVisit: number;
  days: Weekday[];
  /** HH:MM, London time. */
  from: string;
  /** HH:MM; past 24:00 when the visit runs overnight. */
  to: string;
}

const WEEK: Weekday[] = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA, Weekday.SU];
/** Visits start on the quarter hour. */
const STEP_MINUTES = 15;
/** Without a need's hours, visits start as near 09:00 as the listing and band allow. */
const PREFERRED_START = 9 * 60;

/** A week with no bank holiday (Monday 8 June 2026), whose days stand for every week's. */
const SAMPLE_MONDAY = { year: 2026, month: 6, day: 8 };

/**
 * The time band as the reference module defines it once (visitInBand), asked of a weekly visit:
 * the visit on that weekday of a week with no bank holiday, at that London time. A weekly
 * schedule cannot keep to BANK_HOLIDAY (its days are dates, not weekdays): never in that band.
 */
export function weeklyBand(bands: BandSettings): BandTest {
  return (rateType, slot) => {
    if (rateType === RateType.BANK_HOLIDAY) return false;
    // Thousands of candidates ask the same few questions: each answer is worked out once.
    const key = `${bands.eveningFromHour}|${rateType}|${slot.day}|${slot.startMinute}|${slot.endMinute}`;
    let answer = ANSWERS.get(key);
    if (answer === undefined) {
      const startsAt = fromLondonWallClock({
        ...SAMPLE_MONDAY,
        day: SAMPLE_MONDAY.day + WEEK.indexOf(slot.day),
        hour: Math.floor(slot.startMinute / 60),
        minute: slot.startMinute % 60,
      });
      answer = visitInBand(startsAt, new Date(startsAt.getTime() + (slot.endMinute - slot.startMinute) * 60_000), rateType, bands);
      if (ANSWERS.size >= 100_000) ANSWERS.clear();
      ANSWERS.set(key, answer);
    }
    return answer;
  };
}

/** weeklyBand's answers: pure, so kept between plans (bounded). */
const ANSWERS = new Map<string, boolean>();

export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** k of the days, spread through the week (2 of 7: Monday and Thursday). */
function spread(days: Weekday[], k: number): Weekday[] {
  return Array.from({ length: k }, (_v, i) => days[Math.floor((i * days.length) / k)]);
}

/** The week's units over k visits, when that is exact to the hundredth. */
function perVisit(weeklyUnits: number, k: number): number | null {
  const hundredths = Math.round(weeklyUnits * 100);
  return hundredths % k === 0 && isUnits(Quantity.PER_VISIT, hundredths / k / 100) ? hundredths / k / 100 : null;
}

/** The weekly schedule of a planned item, or null when no schedule meets the listing, the need and the band. */
export function weeklySchedule(ask: ScheduleAsk, inBand: BandTest): PlannedSchedule | null {
  const slots = weeklySlots(ask, inBand);
  return slots && scheduleFrom(slots, ask.firstDay);
}

/** A weekly schedule before its first visit is placed: the same for every plan of the same ask. */
export type WeeklySlots = Omit<PlannedSchedule, "startsAt"> & { startMinute: number };

/** The schedule's days and time for an ask (its firstDay unread), or null. */
export function weeklySlots(ask: Omit<ScheduleAsk, "firstDay">, inBand: BandTest): WeeklySlots | null {
  const wanted = ask.needDays?.length ? new Set(ask.needDays) : null;
  const days = WEEK.filter((d) => ask.listingDays.includes(d) && (!wanted || wanted.has(d)));
  const windowStart = Math.max(minutesOf(ask.listingFrom), ask.needFrom ? minutesOf(ask.needFrom) : 0);
  const windowEnd = Math.min(minutesOf(ask.listingTo), ask.needTo ? minutesOf(ask.needTo) : 24 * 60);
  // A night or a week runs past the day: only its start need be within the hours.
  const startOnly = ask.unit === Unit.NIGHT || ask.unit === Unit.WEEK;
  const preferred = Math.min(Math.max(ask.needFrom ? minutesOf(ask.needFrom) : PREFERRED_START, windowStart), windowEnd);
  const ks = days
    .map((_d, i) => i + 1)
    .flatMap((k) => {
      const units = perVisit(ask.weeklyUnits, k);
      return units === null ? [] : [{ k, units }];
    })
    .sort((a, b) => Math.abs(a.units - 1) - Math.abs(b.units - 1) || b.k - a.k);
  for (const { k, units } of ks) {
    const length = visitMinutes(ask.unit, ask.visitMinutes, units);
    const lastStart = startOnly ? windowEnd - 1 : windowEnd - length;
    const starts: number[] = [];
    for (let s = Math.ceil(windowStart / STEP_MINUTES) * STEP_MINUTES; s <= lastStart; s += STEP_MINUTES) starts.push(s);
    starts.sort((a, b) => Math.abs(a - preferred) - Math.abs(b - preferred) || a - b);
    for (const start of starts) {
      const fits = days.filter((day) => inBand(ask.rateType, { day, startMinute: start, endMinute: start + length }));
      if (fits.length < k) continue;
      const chosen = spread(fits, k);
      return {
        startMinute: start,
        recurrence: `FREQ=WEEKLY;BYDAY=${chosen.join(",")}`,
        unitsPerVisit: units,
        days: chosen,
        from: timeOf(start),
        to: timeOf(start + length),
      };
    }
  }
  return null;
}

/** The schedule with its first visit: the first of its days on or after `firstDay`. */
export function scheduleFrom(slots: WeeklySlots, firstDay: string): PlannedSchedule {
  const { startMinute, ...rest } = slots;
  return { ...rest, startsAt: firstVisit(firstDay, slots.days, startMinute) };
}

/** The first of the days on or after `firstDay`, at `minute` London time. */
function firstVisit(firstDay: string, days: Weekday[], minute: number): Date {
  for (let i = 0; i < 7; i++) {
    const day = addDays(firstDay, i);
    const weekday = WEEK[(new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7];
    if (days.includes(weekday)) {
      return fromLondonWallClock({
        year: +day.slice(0, 4),
        month: +day.slice(5, 7),
        day: +day.slice(8, 10),
        hour: Math.floor(minute / 60),
        minute: minute % 60,
      });
    }
  }
  throw new Error("a schedule without days");
}
