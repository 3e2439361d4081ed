import { BookingStatus, isFinalBookingStatus } from "../../src/modules/bookings";

describe("bookings' final statuses (what a cancelled package leaves alone)", () => {
  it("are the statuses no transition leaves: declined, cancelled, completed", () => {
    expect(Object.values(BookingStatus).filter(isFinalBookingStatus).sort()).toEqual([
      BookingStatus.CANCELLED,
      BookingStatus.COMPLETED,
      BookingStatus.DECLINED,
    ]);
  });
});
