import { isUnits, Quantity, unitsRule } from "../../src/shared/units";

describe("the units rule", () => {
  it.each([
    [Quantity.PER_VISIT, 1.5, true],
    [Quantity.PER_VISIT, 0, false],
    [Quantity.PER_VISIT, 10_000, true],
    [Quantity.PER_VISIT, 10_000.01, false],
    [Quantity.PER_VISIT, 1.234, false],
    [Quantity.PER_WEEK, 0.1 + 0.2, true],
    [Quantity.WEEKLY_CAPACITY, 0, true],
    [Quantity.WEEKLY_CAPACITY, 999_999.99, true],
    [Quantity.WEEKLY_CAPACITY, -1, false],
  ])("%s: %p is %p", (kind, units, valid) => {
    expect(isUnits(kind, units)).toBe(valid);
  });

  it("says the bound of each kind", () => {
    expect(unitsRule(Quantity.PER_VISIT)).toBe("Units per visit is more than 0 and at most 10,000, with at most two decimals (e.g. 1.5).");
    expect(unitsRule(Quantity.WEEKLY_CAPACITY)).toBe("Weekly capacity is at least 0 and at most 999,999.99, with at most two decimals (e.g. 1.5).");
  });
});
