/** The months a report's period covers whole: those its stored facts may answer for. */
import { wholeMonths } from "../../src/modules/reports/report.rules";

describe("wholeMonths", () => {
  it.each([
    ["2026-04-01", "2027-03-31", { first: "2026-04-01", end: "2027-04-01" }],
    ["2026-04-01", "2026-04-30", { first: "2026-04-01", end: "2026-05-01" }],
    ["2026-04-25", "2026-06-03", { first: "2026-05-01", end: "2026-06-01" }],
    ["2026-02-01", "2026-02-28", { first: "2026-02-01", end: "2026-03-01" }],
    ["2026-12-01", "2026-12-31", { first: "2026-12-01", end: "2027-01-01" }],
  ])("from %s to %s: %o", (from, to, months) => {
    expect(wholeMonths(from, to)).toEqual(months);
  });

  it.each([
    ["2026-04-01", "2026-04-29"],
    ["2026-05-12", "2026-05-20"],
    ["2026-04-15", "2026-05-14"],
  ])("from %s to %s covers no month whole: an empty range", (from, to) => {
    const { first, end } = wholeMonths(from, to);
    expect(end).toBe(first);
  });
});
