import { isValidText } from "../../src/shared/validation";

describe("valid text", () => {
  it("is any Unicode PostgreSQL can store: no NUL, no half of a surrogate pair", () => {
    expect(["", "Carol", "café", "😀 emoji", "tab\tand\nnewline"].map(isValidText)).toEqual([true, true, true, true, true]);
    expect(["a\u0000b", "\ud800", "x\udfffy", "\ud83d", "😀".slice(1)].map(isValidText)).toEqual([false, false, false, false, false]);
  });
});
