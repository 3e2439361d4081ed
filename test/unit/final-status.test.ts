import { BookingStatus, isFinalBookingStatus } from "../../src/modules/bookings";
import { fail, ok, outOfInput, UserErrorCode } from "../../src/shared/errors";

describe("bookings' final statuses (what a cancelled package leaves alone)", () => {
  it("are the statuses no transition leaves: declined, cancelled, completed", () => {
    expect(Object.values(BookingStatus).filter(isFinalBookingStatus).sort()).toEqual([BookingStatus.CANCELLED, BookingStatus.COMPLETED, BookingStatus.DECLINED]);
  });
});

describe("outOfInput", () => {
  it("makes a not-yet-converted module's input paths relative, and leaves relative ones and successes alone", () => {
    const result = {
      ok: false as const,
      errors: [
        { code: UserErrorCode.NOT_FOUND, message: "a", field: ["input", "budgetId"] },
        { code: UserErrorCode.INVALID_VALUE, message: "b", field: ["items", 3] },
        { code: UserErrorCode.INVALID_VALUE, message: "c" },
      ],
    };
    expect(outOfInput(result)).toEqual({
      ok: false,
      errors: [
        { code: UserErrorCode.NOT_FOUND, message: "a", field: ["budgetId"] },
        { code: UserErrorCode.INVALID_VALUE, message: "b", field: ["items", 3] },
        { code: UserErrorCode.INVALID_VALUE, message: "c" },
      ],
    });
    expect(outOfInput(ok(1))).toEqual(ok(1));
    expect(outOfInput(fail(UserErrorCode.NOT_FOUND, "x", ["input"]))).toEqual(fail(UserErrorCode.NOT_FOUND, "x", []));
  });
});
