import { firstWeekOver, unitsByWeek, weekOf } from "../../src/modules/bookings/capacity.rules";

describe("capacity rules", () => {
  it("names a London week by its Monday, across midnight and the clock change", () => {
    expect(weekOf(new Date("2026-04-06T00:30:00Z"))).toBe("2026-04-06"); // Monday 01:30 BST
    expect(weekOf(new Date("2026-04-05T23:30:00Z"))).toBe("2026-04-06"); // Monday 00:30 BST, Sunday in UTC
    expect(weekOf(new Date("2026-04-12T22:59:00Z"))).toBe("2026-04-06"); // Sunday 23:59 BST
    expect(weekOf(new Date("2026-03-29T12:00:00Z"))).toBe("2026-03-23"); // the Sunday of the clock change
  });

  it("finds the first week whose booked and asked units pass the capacity, to the hundredth", () => {
    const asked = unitsByWeek([
      { startsAt: new Date("2026-04-06T09:00:00Z"), units: 0.1 },
      { startsAt: new Date("2026-04-07T09:00:00Z"), units: 0.2 },
      { startsAt: new Date("2026-04-14T09:00:00Z"), units: 1 },
    ]);
    expect(asked.get("2026-04-06")).toBeCloseTo(0.3);
    expect(firstWeekOver(1.3, new Map([["2026-04-06", 1]]), asked)).toBeNull();
    expect(firstWeekOver(1.3, new Map([["2026-04-13", 0.31]]), asked)).toEqual({ week: "2026-04-13", capacityUnits: 1.3, bookedUnits: 0.31, askedUnits: 1 });
  });
});
