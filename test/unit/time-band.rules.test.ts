/** Time bands (DOMAIN.md rule 12): London wall-clock days and hours, bank holidays, clock changes, midnight. */
import { RateType } from "../../src/modules/reference";
import { BANK_HOLIDAYS, bandDescription, firstOutsideBand, isBankHoliday, outsideBandMessage, visitInBand } from "../../src/modules/reference/time-band.rules";

const BANDS = { eveningFromHour: 18 };
const at = (iso: string) => new Date(iso);
const inBand = (rateType: RateType, startsAt: string, endsAt: string, bands = BANDS) => visitInBand(at(startsAt), at(endsAt), rateType, bands);
const hour = (startsAt: string) => new Date(at(startsAt).getTime() + 3_600_000).toISOString();

describe("bank holidays in England and Wales", () => {
  it("lists eight a year from 2024 to 2028, substitute days included", () => {
    for (const year of [2024, 2025, 2026, 2027, 2028]) {
      expect(BANK_HOLIDAYS[year]).toHaveLength(8);
      expect(BANK_HOLIDAYS[year].every((d) => d.startsWith(`${year}-`))).toBe(true);
    }
    // Boxing Day 2026 is a Saturday: Monday 28 December instead.
    expect(isBankHoliday("2026-12-26")).toBe(false);
    expect(isBankHoliday("2026-12-28")).toBe(true);
    // Christmas 2027 falls at a weekend: Monday 27 and Tuesday 28 December.
    expect(["2027-12-25", "2027-12-26", "2027-12-27", "2027-12-28"].map(isBankHoliday)).toEqual([false, false, true, true]);
    // New Year's Day 2028 is a Saturday: Monday 3 January.
    expect(isBankHoliday("2028-01-01")).toBe(false);
    expect(isBankHoliday("2028-01-03")).toBe(true);
    // Easter: Good Friday and Easter Monday.
    expect(["2026-04-03", "2026-04-06", "2027-03-26", "2027-03-29", "2028-04-14", "2028-04-17"].every(isBankHoliday)).toBe(true);
    expect(isBankHoliday("2026-04-05")).toBe(false);
  });

  it("judges a visit by its London day, not its UTC day", () => {
    // 00:30 BST on Monday 31 August 2026 is 23:30 UTC on the 30th.
    expect(inBand(RateType.BANK_HOLIDAY, "2026-08-30T23:30:00Z", "2026-08-31T00:30:00Z")).toBe(true);
    // 23:30 UTC on the 31st is already 1 September in London.
    expect(inBand(RateType.BANK_HOLIDAY, "2026-08-31T23:30:00Z", "2026-09-01T00:30:00Z")).toBe(false);
    expect(inBand(RateType.BANK_HOLIDAY, "2026-09-01T08:00:00Z", hour("2026-09-01T08:00:00Z"))).toBe(false);
  });
});

describe("weekends", () => {
  it("are Saturday and Sunday, London time, across the clock changes", () => {
    // Friday 23 October 2026, 23:30 UTC is Saturday 00:30 BST.
    expect(inBand(RateType.WEEKEND, "2026-10-23T23:30:00Z", hour("2026-10-23T23:30:00Z"))).toBe(true);
    // Sunday 25 October 2026 (clocks go back at 02:00 BST): 23:30 GMT is still Sunday.
    expect(inBand(RateType.WEEKEND, "2026-10-25T23:30:00Z", hour("2026-10-25T23:30:00Z"))).toBe(true);
    // Sunday 29 March 2026 (clocks go forward): 23:30 UTC is Monday 00:30 BST.
    expect(inBand(RateType.WEEKEND, "2026-03-29T23:30:00Z", hour("2026-03-29T23:30:00Z"))).toBe(false);
    expect(inBand(RateType.WEEKEND, "2026-03-29T22:30:00Z", hour("2026-03-29T22:30:00Z"))).toBe(true);
    expect(inBand(RateType.WEEKEND, "2026-04-07T09:00:00Z", hour("2026-04-07T09:00:00Z"))).toBe(false);
  });

  it("belong to the day a visit starts on when it crosses midnight", () => {
    // Sunday 23:00 to Monday 01:00 GMT: a weekend visit. Friday 23:00 to Saturday 01:00: not.
    expect(inBand(RateType.WEEKEND, "2026-11-01T23:00:00Z", "2026-11-02T01:00:00Z")).toBe(true);
    expect(inBand(RateType.WEEKEND, "2026-11-06T23:00:00Z", "2026-11-07T01:00:00Z")).toBe(false);
  });
});

describe("evenings", () => {
  it("start at the funding body's stated hour, London time", () => {
    // 18:00 BST is 17:00 UTC; 17:59 BST is not evening.
    expect(inBand(RateType.EVENING, "2026-06-10T17:00:00Z", hour("2026-06-10T17:00:00Z"))).toBe(true);
    expect(inBand(RateType.EVENING, "2026-06-10T16:59:00Z", hour("2026-06-10T16:59:00Z"))).toBe(false);
    expect(inBand(RateType.EVENING, "2026-12-10T18:00:00Z", hour("2026-12-10T18:00:00Z"))).toBe(true);
    expect(inBand(RateType.EVENING, "2026-12-10T18:30:00Z", hour("2026-12-10T18:30:00Z"), { eveningFromHour: 19 })).toBe(false);
    // An evening visit may run past midnight; one starting after midnight is a night, not an evening.
    expect(inBand(RateType.EVENING, "2026-12-10T23:00:00Z", "2026-12-11T00:30:00Z")).toBe(true);
    expect(inBand(RateType.EVENING, "2026-12-11T00:30:00Z", "2026-12-11T01:30:00Z")).toBe(false);
  });
});

describe("nights and live-in care", () => {
  it("a night starts from 20:00 and ends by 10:00 the next morning, across the clock changes", () => {
    for (const rateType of [RateType.SLEEP_IN, RateType.WAKING_NIGHT]) {
      expect(inBand(rateType, "2026-11-10T22:00:00Z", "2026-11-11T07:00:00Z")).toBe(true);
      expect(inBand(rateType, "2026-11-10T22:00:00Z", "2026-11-11T11:00:00Z")).toBe(false);
      expect(inBand(rateType, "2026-11-10T19:00:00Z", "2026-11-11T05:00:00Z")).toBe(false);
      // Saturday 24 October 2026, 22:00 BST (21:00 UTC) to Sunday 10:00 GMT: 13 hours, in the band.
      expect(inBand(rateType, "2026-10-24T21:00:00Z", "2026-10-25T10:00:00Z")).toBe(true);
      expect(inBand(rateType, "2026-10-24T21:00:00Z", "2026-10-25T10:01:00Z")).toBe(false);
      // Saturday 28 March 2026, 22:00 GMT to Sunday 10:00 BST (09:00 UTC).
      expect(inBand(rateType, "2026-03-28T22:00:00Z", "2026-03-29T09:00:00Z")).toBe(true);
      expect(inBand(rateType, "2026-03-28T22:00:00Z", "2026-03-29T09:30:00Z")).toBe(false);
    }
  });

  it("live-in care is whole days; standard rates are for whichever time", () => {
    expect(inBand(RateType.LIVE_IN, "2026-10-19T12:00:00Z", "2026-10-26T12:00:00Z")).toBe(true);
    expect(inBand(RateType.LIVE_IN, "2026-10-19T09:00:00Z", "2026-10-19T17:00:00Z")).toBe(false);
    for (const startsAt of ["2026-04-04T09:00:00Z", "2026-12-25T03:00:00Z", "2026-06-10T22:00:00Z"]) {
      expect(inBand(RateType.STANDARD, startsAt, hour(startsAt))).toBe(true);
    }
  });
});

describe("refusals", () => {
  it("name the first visit outside the band, its London day and time, and the band", () => {
    const visits = ["2026-04-04T09:00:00Z", "2026-04-07T09:00:00Z", "2026-04-08T09:00:00Z"].map((s) => ({ startsAt: at(s), endsAt: at(hour(s)) }));
    const first = firstOutsideBand(visits, RateType.WEEKEND, BANDS);
    expect(first).toBe(visits[1]);
    const message = outsideBandMessage("Weekend care", first!, RateType.WEEKEND, BANDS);
    expect(message).toContain("Tuesday 2026-04-07 at 10:00");
    expect(message).toContain("WEEKEND");
    expect(message).toContain("Saturdays and Sundays");
    expect(firstOutsideBand(visits.slice(0, 1), RateType.WEEKEND, BANDS)).toBeNull();
    expect(bandDescription(RateType.EVENING, { eveningFromHour: 19 })).toContain("19:00");
  });
});
