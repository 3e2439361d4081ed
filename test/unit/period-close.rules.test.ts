import { unsettledMessage } from "../../src/modules/settlement/settlement.rules";

describe("unsettledMessage (closeBudget's refusal)", () => {
  it("is null when every visit is settled", () => {
    expect(unsettledMessage(0, 0, 0)).toBeNull();
  });

  it("names only what is left to do", () => {
    expect(unsettledMessage(0, 0, 2)).toBe("The period cannot close yet: 2 visit(s) disputed: resolve the disputes.");
    expect(unsettledMessage(1, 3, 0)).toBe(
      "The period cannot close yet: 1 visit(s) still scheduled: record them as delivered or missed, or cancel their bookings; 3 delivered visit(s) awaiting confirmation: the client confirms them, or the window does.",
    );
  });
});
