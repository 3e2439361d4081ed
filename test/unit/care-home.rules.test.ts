import { careHomeExcess, careHomeRefusal, MAX_DIRECT_PAYMENT_CARE_HOME_DAYS } from "../../src/modules/bookings/care-home.rules";

const DAY = 86_400_000;
/** A stay of `days` days from noon on a London day (BST in these months: 11:00Z). */
const stay = (first: string, days: number) => {
  const startsAt = new Date(`${first}T11:00:00Z`);
  return { startsAt, endsAt: new Date(startsAt.getTime() + days * DAY) };
};
/** A place booked day by day: one 8-hour visit a day. */
const daily = (first: string, days: number) =>
  Array.from({ length: days }, (_, i) => {
    const startsAt = new Date(new Date(`${first}T08:00:00Z`).getTime() + i * DAY);
    return { startsAt, endsAt: new Date(startsAt.getTime() + 8 * 3_600_000) };
  });

describe("care-home stays by direct payment (reg. 8)", () => {
  it("allows one stay of four weeks, not one of four weeks and a day", () => {
    expect(careHomeExcess([], [stay("2026-05-04", 28)])).toBeNull();
    expect(careHomeExcess([], [stay("2026-05-04", 29)])).toMatchObject({ days: 29, bookedDays: 0, askedDays: 29 });
  });

  it("adds together stays less than four weeks apart: two back-to-back three-week stays are six weeks", () => {
    expect(careHomeExcess([stay("2026-05-04", 21)], [stay("2026-05-25", 21)])).toEqual({
      from: "2026-05-04",
      to: "2027-05-03",
      days: 42,
      bookedDays: 21,
      askedDays: 21,
    });
    // 27 days between them: still one period.
    expect(careHomeExcess([stay("2026-05-04", 21)], [stay("2026-06-21", 21)])).toMatchObject({ days: 42 });
  });

  it("starts afresh four weeks or more after the last stay ended", () => {
    expect(careHomeExcess([stay("2026-05-04", 21)], [stay("2026-06-22", 21)])).toBeNull();
    // ... but a third stay close to the second joins it.
    expect(careHomeExcess([stay("2026-05-04", 21), stay("2026-06-22", 21)], [stay("2026-07-20", 14)])).toMatchObject({
      days: 35,
      bookedDays: 21,
      askedDays: 14,
    });
  });

  it("counts a place booked day by day in days, and a chain of short stays over twelve months", () => {
    expect(careHomeExcess([], daily("2026-05-04", 28))).toBeNull();
    expect(careHomeExcess([], daily("2026-05-04", 29))).toMatchObject({ days: 29 });
    // A week in a care home every four weeks: each three weeks after the last, so one period; its
    // fifth week passes 28 days within twelve months. Every five weeks, the gap is four weeks: no period.
    const weeks = (n: number, every = 28) =>
      Array.from({ length: n }, (_, i) => stay(new Date(Date.UTC(2026, 4, 4 + every * i)).toISOString().slice(0, 10), 7));
    expect(careHomeExcess(weeks(4, 35), [weeks(5, 35)[4]])).toBeNull();
    expect(careHomeExcess(weeks(3), [weeks(4)[3]])).toBeNull();
    expect(careHomeExcess(weeks(4), [weeks(5)[4]])).toMatchObject({ days: 35, bookedDays: 28, askedDays: 7 });
  });

  it("ignores what was booked before, however long, when the asked stay is in no period with it", () => {
    expect(careHomeExcess([stay("2025-01-06", 60)], [stay("2026-05-04", 21)])).toBeNull();
  });

  it("says what to do, with the window and the days, citing reg. 8", () => {
    const refusal = careHomeRefusal({ from: "2026-05-04", to: "2027-05-03", days: 42, bookedDays: 21, askedDays: 21 });
    expect(refusal).toEqual({
      code: "CARE_HOME_PLACEMENT_NOT_ALLOWED",
      message:
        `A direct payment may pay for at most ${MAX_DIRECT_PAYMENT_CARE_HOME_DAYS} days in a care home in 12 months, stays less than four weeks apart counting as one ` +
        "(Care and Support (Direct Payments) Regulations 2014, reg. 8). In the 12 months 2026-05-04 to 2027-05-03 this client's stays would come to 42 days: " +
        "21 already booked and 21 in this booking. Book a shorter stay, leave four weeks between stays, or ask the council to arrange the place.",
      field: ["startsAt"],
    });
  });
});
