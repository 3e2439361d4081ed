import { visitMinutes, visitStarts } from "../../src/modules/bookings/schedule.rules";
import { Unit } from "../../src/modules/reference";
import { fromLondonWallClock, londonWallClock } from "../../src/shared/time";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe("visit schedules in London wall-clock time", () => {
  it("keep a weekly 09:00 visit at 09:00 across the last Sunday of March", () => {
    // 09:00 GMT on Monday 23 March 2026; clocks go forward on Sunday 29 March.
    const starts = visitStarts(new Date("2026-03-23T09:00:00Z"), "FREQ=WEEKLY;COUNT=3", "2026-12-31");
    expect(starts.ok && iso(starts.value)).toEqual(["2026-03-23T09:00:00.000Z", "2026-03-30T08:00:00.000Z", "2026-04-06T08:00:00.000Z"]);
  });

  it("keep it at 09:00 across the last Sunday of October", () => {
    // 09:00 BST on Monday 19 October 2026; clocks go back on Sunday 25 October.
    const starts = visitStarts(new Date("2026-10-19T08:00:00Z"), "FREQ=WEEKLY;COUNT=2", "2026-12-31");
    expect(starts.ok && iso(starts.value)).toEqual(["2026-10-19T08:00:00.000Z", "2026-10-26T09:00:00.000Z"]);
  });

  it("keep daily visits on the changeover Sundays themselves at their local time", () => {
    const spring = visitStarts(new Date("2026-03-28T22:30:00Z"), "FREQ=DAILY;COUNT=3", "2026-12-31");
    expect(spring.ok && spring.value.map((d) => `${londonWallClock(d).hour}:${londonWallClock(d).minute}`)).toEqual(["22:30", "22:30", "22:30"]);
  });

  it("stop at the last day (the budget period's end)", () => {
    const starts = visitStarts(new Date("2027-03-22T10:00:00Z"), "FREQ=WEEKLY", "2027-03-31");
    expect(starts.ok && iso(starts.value)).toEqual(["2027-03-22T10:00:00.000Z", "2027-03-29T09:00:00.000Z"]);
  });

  it("give a one-off visit as it is", () => {
    const starts = visitStarts(new Date("2026-05-01T13:00:00Z"), null, "2026-04-01");
    expect(starts.ok && iso(starts.value)).toEqual(["2026-05-01T13:00:00.000Z"]);
  });

  it.each([
    ["FREQ=HOURLY;COUNT=3", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"],
    ["BYDAY=MO", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"],
    ["FREQ=WEEKLY;COUNT=x", "COUNT must be a whole number"],
    ["DTSTART:20260301T090000\nRRULE:FREQ=DAILY", "give the first visit as startsAt, not DTSTART or TZID"],
    ["FREQ=DAILY;BYHOUR=9,17", "the time of day comes from startsAt (no BYHOUR, BYMINUTE or BYSECOND)"],
    ["nonsense", "it has an unknown property"],
  ])("refuse %j", (rule, why) => {
    const starts = visitStarts(new Date("2026-05-01T09:00:00Z"), rule, "2026-12-31");
    expect(starts).toEqual({
      ok: false,
      errors: [
        { code: "INVALID_VALUE", message: `The recurrence is not a usable RRULE: ${why}. Example: FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12.`, field: ["recurrence"] },
      ],
    });
  });

  it("refuse rules that make more than 1000 visits", () => {
    const starts = visitStarts(new Date("2026-05-01T09:00:00Z"), "FREQ=DAILY", "2030-12-31");
    expect(!starts.ok && starts.errors[0].message).toBe("The recurrence makes more than 1000 visits: give it an end (UNTIL or COUNT).");
  });
});

describe("London wall-clock conversion", () => {
  it("moves a time in the spring gap forward by the gap", () => {
    expect(fromLondonWallClock({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }).toISOString()).toBe("2026-03-29T01:30:00.000Z"); // 02:30 BST
  });

  it("takes the first (summer-time) occurrence of a time the autumn change repeats", () => {
    expect(fromLondonWallClock({ year: 2026, month: 10, day: 25, hour: 1, minute: 30 }).toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });
});

describe("visit lengths", () => {
  it.each([
    [Unit.HOUR, null, 1.5, 90],
    [Unit.VISIT, 45, 1, 45],
    [Unit.SESSION, null, 1, 60],
    [Unit.DAY, null, 1, 480],
    [Unit.WEEK, null, 1, 10080],
    [Unit.ITEM, null, 3, 1],
  ])("%s × %s min × %s units lasts %i minutes", (unit, minutes, units, expected) => {
    expect(visitMinutes(unit, minutes, units)).toBe(expected);
  });
});
