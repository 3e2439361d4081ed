import { visitsAfter } from "../../src/modules/bookings/schedule.rules";
import { weeklyBand, weeklySchedule, type BandTest, type ScheduleAsk } from "../../src/modules/brokers/plan-schedule.rules";

const provisionalBand = weeklyBand({ eveningFromHour: 18 });
import { RateType, Unit, Weekday } from "../../src/modules/reference";

const ALL = [Weekday.MO, Weekday.TU, Weekday.WE, Weekday.TH, Weekday.FR, Weekday.SA, Weekday.SU];
const ask = (extra: Partial<ScheduleAsk> = {}): ScheduleAsk => ({
  weeklyUnits: 7,
  unit: Unit.HOUR,
  visitMinutes: null,
  rateType: RateType.STANDARD,
  listingDays: ALL,
  listingFrom: "00:00",
  listingTo: "24:00",
  firstDay: "2026-04-01",
  ...extra,
});

describe("weeklySchedule", () => {
  it("spreads the week's units over the days, one unit a visit where it can, from 09:00", () => {
    expect(weeklySchedule(ask(), provisionalBand)).toMatchObject({
      days: ALL,
      unitsPerVisit: 1,
      from: "09:00",
      to: "10:00",
      recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    });
    // 10 h over 7 days is not exact to the hundredth: 5 visits of 2 h, spread through the week.
    expect(weeklySchedule(ask({ weeklyUnits: 10 }), provisionalBand)).toMatchObject({ days: ["MO", "TU", "WE", "FR", "SA"], unitsPerVisit: 2 });
    expect(weeklySchedule(ask({ weeklyUnits: 2 }), provisionalBand)).toMatchObject({ days: ["MO", "TH"], unitsPerVisit: 1 });
  });

  it("keeps inside the listing's and the need's hours, and the first visit on a planned day", () => {
    const s = weeklySchedule(
      ask({ weeklyUnits: 3, listingFrom: "10:30", listingTo: "12:00", needDays: [Weekday.TU, Weekday.TH, Weekday.SA] }),
      provisionalBand,
    )!;
    expect(s).toMatchObject({ days: ["TU", "TH", "SA"], from: "10:30", to: "11:30" });
    expect(s.startsAt.toISOString()).toBe("2026-04-02T09:30:00.000Z"); // Thursday 2 April, 10:30 BST
    // A visit longer than the hours allow: no schedule.
    expect(weeklySchedule(ask({ weeklyUnits: 3, needDays: [Weekday.MO], needFrom: "07:00", needTo: "09:00" }), provisionalBand)).toBeNull();
  });

  it("keeps to the rate type's band, as the predicate says; a band no weekly time is in has no schedule", () => {
    expect(weeklySchedule(ask({ rateType: RateType.WEEKEND }), provisionalBand)).toMatchObject({ days: ["SA", "SU"], unitsPerVisit: 3.5 });
    expect(weeklySchedule(ask({ rateType: RateType.BANK_HOLIDAY }), provisionalBand)).toBeNull();
    const afterSix: BandTest = (_rate, slot) => slot.startMinute >= 18 * 60 && slot.endMinute <= 22 * 60;
    expect(weeklySchedule(ask({ weeklyUnits: 14 }), afterSix)).toMatchObject({ unitsPerVisit: 2, from: "18:00", to: "20:00" });
    expect(weeklySchedule(ask({ weeklyUnits: 2, rateType: RateType.EVENING }), weeklyBand({ eveningFromHour: 19 }))).toMatchObject({
      from: "19:00",
      to: "20:00",
    });
    // A night starts within the hours and runs past midnight, ending by 10:00.
    expect(weeklySchedule(ask({ unit: Unit.NIGHT, weeklyUnits: 2, rateType: RateType.SLEEP_IN, listingFrom: "20:00" }), provisionalBand)).toMatchObject({
      days: ["MO", "TH"],
      from: "20:00",
      to: "30:00",
    });
  });
});

describe("visitsAfter (no silent truncation)", () => {
  const monday = new Date("2026-03-02T09:00:00Z");
  it("counts the visits a schedule with an end has after the period; an open schedule has none", () => {
    expect(visitsAfter(monday, "FREQ=WEEKLY;COUNT=10", "2026-03-31")).toEqual({ count: 5, last: "2026-05-04" });
    expect(visitsAfter(monday, "FREQ=WEEKLY;UNTIL=20260420T235959Z", "2026-03-31")).toEqual({ count: 3, last: "2026-04-20" });
    expect(visitsAfter(monday, "FREQ=WEEKLY", "2026-03-31", "2026-04-13")).toEqual({ count: 2, last: "2026-04-13" });
    expect(visitsAfter(monday, "FREQ=WEEKLY", "2026-03-31")).toEqual({ count: 0, last: null });
    expect(visitsAfter(monday, "FREQ=WEEKLY;COUNT=4", "2026-03-31")).toEqual({ count: 0, last: null });
    expect(visitsAfter(monday, null, "2026-03-31", "2026-05-01")).toEqual({ count: 0, last: null });
  });
});
