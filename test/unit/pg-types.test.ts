import fc from "fast-check";
import { types } from "pg";
import { parseTimestamptz } from "../../src/shared/pg-types";

describe("timestamptz parsing", () => {
  const general = types.getTypeParser(1184, "text") as (text: string) => Date;

  it.each([
    "2026-11-24 14:41:14.861234+00",
    "2026-11-24 14:41:14.8+00",
    "2026-11-24 14:41:14+00",
    "2026-03-29 01:00:00.000001+00",
    "2024-02-29 23:59:59.999999+00",
  ])("reads %s exactly as pg's own parser", (text) => {
    expect(parseTimestamptz(text).getTime()).toBe(general(text).getTime());
  });

  it.each(["2026-11-24 15:41:14.861+01", "infinity", "0044-03-15 12:00:00+00 BC", "0044-03-15 12:00:00+00"])("hands %s to pg's own parser", (text) => {
    expect(String(parseTimestamptz(text))).toBe(String(general(text)));
  });

  it("agrees with pg's own parser on any UTC instant", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
        (date, micros) => {
          const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
          const text = `${iso.slice(0, 10)} ${iso.slice(11, 23)}${String(micros).padStart(3, "0")}+00`;
          expect(parseTimestamptz(text).getTime()).toBe(general(text).getTime());
        },
      ),
    );
  });
});
