/**
 * Care-home stays bought with a direct payment (Care and Support (Direct Payments) Regulations
 * 2014, reg. 8), as pure functions. The regulation's words are quoted in docs/DOMAIN.md (rule 7):
 * a direct payment may pay for a period of four consecutive weeks in a period of twelve months
 * (the quote holds a word this folder may not), and periods less than four weeks apart are added
 * together and count as one. The stored copies this was written from held no text of reg. 8
 * itself: the wording is the and the statutory guidance's; check it at
 * legislation.gov.uk/uksi/2014/2871/regulation/8 before quoting it to a client.
 *
 * So: the client's stays (this booking's and every other direct-payment stay already booked)
 * are joined into chains, a stay less than four weeks after the one before joining its chain;
 * within every twelve months a chain may hold at most 28 days. Stays four weeks or more apart
 * start a new chain, each with 28 days of its own.
 */
import { UserErrorCode, type UserErrorData } from "../../shared/errors";
import { addDays, fromLondonWallClock, londonDate } from "../../shared/time";
import { ListingSetting } from "../listings";

/** Four weeks: the most a chain of stays may hold in twelve months, and the gap that ends a chain. */
export const MAX_DIRECT_PAYMENT_CARE_HOME_DAYS = 28;

const DAY = 86_400_000;
const CHAIN_GAP = MAX_DIRECT_PAYMENT_CARE_HOME_DAYS * DAY;

export interface Stay {
  startsAt: Date;
  endsAt: Date;
}

/** A place in a care home: residential care, or nursing care at a care-home listing (not extra services bought there). */
export function isCareHomePlace(categoryCode: string, setting: ListingSetting): boolean {
  return categoryCode === "RESIDENTIAL_CARE" || (categoryCode === "NURSING" && setting === ListingSetting.CARE_HOME);
}

/** The twelve months in which a chain of stays would pass 28 days, and its days: already booked, and asked for. */
export interface CareHomeExcess {
  from: string;
  to: string;
  days: number;
  bookedDays: number;
  askedDays: number;
}

interface Span {
  from: number;
  to: number;
  asked: boolean;
}

/**
 * Where the asked stays would take a chain past 28 days in some twelve months (the window with
 * the most days), or null. The sum of spans inside a window of fixed length is greatest with the
 * window starting on a span's first day or ending on its last, so only those windows are tried.
 */
export function careHomeExcess(booked: Stay[], asked: Stay[]): CareHomeExcess | null {
  const spans = [...join(booked, false), ...join(asked, true)].sort((a, b) => a.from - b.from);
  let worst: CareHomeExcess | null = null;
  for (const chain of chains(spans)) {
    if (!chain.some((s) => s.asked)) continue;
    // Twelve months of London days: from a stay's first day, or up to its last.
    const firstDays = chain.flatMap((s) => [londonDate(new Date(s.from)), addDays(addMonths(londonDate(new Date(s.to - 1)), -12), 1)]);
    for (const first of firstDays) {
      const last = addDays(addMonths(first, 12), -1);
      const window = { from: midnight(first), to: midnight(addDays(last, 1)) };
      const bookedDays = daysWithin(chain, window, false);
      const askedDays = daysWithin(chain, window, true);
      const days = bookedDays + askedDays;
      if (askedDays > 0 && days > MAX_DIRECT_PAYMENT_CARE_HOME_DAYS && (!worst || days > worst.days)) {
        worst = { from: first, to: last, days, bookedDays, askedDays };
      }
    }
  }
  return worst;
}

export function careHomeRefusal(excess: CareHomeExcess): UserErrorData {
  const { from, to, days, bookedDays, askedDays } = excess;
  const already = bookedDays > 0 ? `${bookedDays} already booked and ${askedDays} in this booking` : `all of them in this booking`;
  return {
    code: UserErrorCode.CARE_HOME_PLACEMENT_NOT_ALLOWED,
    message:
      `A direct payment may pay for at most ${MAX_DIRECT_PAYMENT_CARE_HOME_DAYS} days in a care home in 12 months, stays less than four weeks apart counting as one ` +
      `(Care and Support (Direct Payments) Regulations 2014, reg. 8). In the 12 months ${from} to ${to} this client's stays would come to ${days} days: ${already}. ` +
      `Book a shorter stay, leave four weeks between stays, or ask the council to arrange the place.`,
    field: ["startsAt"],
  };
}

/** Visits less than a day apart are one stay (a place booked day by day); the spans in time order. */
function join(stays: Stay[], asked: boolean): Span[] {
  const sorted = stays.map((s) => ({ from: s.startsAt.getTime(), to: s.endsAt.getTime(), asked })).sort((a, b) => a.from - b.from);
  const joined: Span[] = [];
  for (const span of sorted) {
    const last = joined[joined.length - 1];
    if (last && span.from - last.to < DAY) last.to = Math.max(last.to, span.to);
    else joined.push({ ...span });
  }
  return joined;
}

/** Spans in time order, cut where one starts four weeks or more after every earlier one has ended. */
function chains(spans: Span[]): Span[][] {
  const result: Span[][] = [];
  let end = -Infinity;
  for (const span of spans) {
    if (span.from - end >= CHAIN_GAP || result.length === 0) result.push([]);
    result[result.length - 1].push(span);
    end = Math.max(end, span.to);
  }
  return result;
}

/** Days of the chain's asked (or booked) spans inside the window: each stay's part rounded up to whole days. */
function daysWithin(chain: Span[], window: { from: number; to: number }, asked: boolean): number {
  return chain
    .filter((s) => s.asked === asked)
    .reduce((sum, s) => {
      const inside = Math.min(s.to, window.to) - Math.max(s.from, window.from);
      return inside > 0 ? sum + Math.ceil(inside / DAY - 1e-9) : sum;
    }, 0);
}

/** The same day `months` later ("YYYY-MM-DD"; a day the month lacks runs into the next). */
function addMonths(date: string, months: number): string {
  return new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1 + months, +date.slice(8, 10))).toISOString().slice(0, 10);
}

/** The instant a London day starts. */
function midnight(date: string): number {
  return fromLondonWallClock({ year: +date.slice(0, 4), month: +date.slice(5, 7), day: +date.slice(8, 10), hour: 0, minute: 0 }).getTime();
}
