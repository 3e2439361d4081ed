/**
 * A listing's weekly capacity (`weeklyCapacityUnits`) is a promise: no week's booked units may
 * pass it. A week is a London calendar week, Monday to Sunday, named by its Monday.
 */
import { addDays, londonDate } from "../../shared/time";

/** The Monday ("YYYY-MM-DD") of the London week an instant falls in. */
export function weekOf(instant: Date): string {
  const day = londonDate(instant);
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday
  return addDays(day, -((weekday + 6) % 7));
}

/** Units a week asked for by some visits, by their week's Monday. */
export function unitsByWeek(visits: { startsAt: Date; units: number }[]): Map<string, number> {
  const weeks = new Map<string, number>();
  for (const v of visits) weeks.set(weekOf(v.startsAt), (weeks.get(weekOf(v.startsAt)) ?? 0) + v.units);
  return weeks;
}

export interface CapacityShortfall {
  week: string;
  capacityUnits: number;
  bookedUnits: number;
  askedUnits: number;
}

/** The first week in which what is booked plus what is asked passes the capacity; null when every week fits. */
export function firstWeekOver(capacityUnits: number, booked: Map<string, number>, asked: Map<string, number>): CapacityShortfall | null {
  const hundredths = (units: number) => Math.round(units * 100); // units have two decimals: compare exactly
  for (const week of [...asked.keys()].sort()) {
    const bookedUnits = booked.get(week) ?? 0;
    const askedUnits = asked.get(week)!;
    if (hundredths(bookedUnits) + hundredths(askedUnits) > hundredths(capacityUnits)) return { week, capacityUnits, bookedUnits, askedUnits };
  }
  return null;
}

/** What a refusal for capacity says: which week, what is left, what to do. */
export function noCapacityMessage(title: string, unit: string, shortfall: CapacityShortfall): string {
  const { week, capacityUnits, bookedUnits, askedUnits } = shortfall;
  const left = Math.max(0, Math.round((capacityUnits - bookedUnits) * 100) / 100);
  return (
    `"${title}" can supply ${capacityUnits} unit(s) of ${unit} a week, and the week of Monday ${week} has ${bookedUnits} booked already: ` +
    `this booking asks ${askedUnits} that week, ${left} are left. Book fewer units, start after that week, or choose another listing.`
  );
}
