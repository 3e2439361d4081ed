import { bigintPence, formatPounds, toSafePence } from "../../src/shared/money";

describe("money", () => {
  it("reads bigint columns as exact numbers of pence", () => {
    expect(bigintPence.from("2360000000")).toBe(2_360_000_000);
    expect(bigintPence.from(null)).toBeNull();
  });

  it("refuses amounts that a JavaScript number cannot hold exactly", () => {
    expect(() => toSafePence("9007199254740993")).toThrow(RangeError);
    expect(() => toSafePence("12.5")).toThrow(RangeError);
  });

  it("formats pounds for messages", () => {
    expect(formatPounds(1016600)).toBe("£10,166.00");
    expect(formatPounds(-5)).toBe("-£0.05");
  });
});
