import fc from "fast-check";
import { available, deltaOf, EFFECTS, earmarkChange, LedgerKind } from "../../src/modules/budgets";
import { apportion, costPence, isHundredths } from "../../src/shared/money";

const NO_CLOSE = { reclaimed: 0, carriedForward: 0 };

describe("ledger effects", () => {
  it("move the totals as DOMAIN.md says", () => {
    expect(
      deltaOf([
        { kind: LedgerKind.ALLOCATION, amountPence: 1000 },
        { kind: LedgerKind.COMMITMENT, amountPence: 300 },
      ]),
    ).toEqual({ allocated: 1000, committed: 300, spent: 0, returned: 0, ...NO_CLOSE });
    expect(deltaOf([{ kind: LedgerKind.SPEND, amountPence: 200 }])).toEqual({ allocated: 0, committed: -200, spent: 200, returned: 0, ...NO_CLOSE });
    expect(deltaOf([{ kind: LedgerKind.RETURN_TO_FUNDER, amountPence: 50 }])).toEqual({ allocated: 0, committed: -50, spent: 0, returned: 50, ...NO_CLOSE });
    expect(
      deltaOf([
        { kind: LedgerKind.FEE, amountPence: 70 },
        { kind: LedgerKind.REFUND, amountPence: 20 },
      ]),
    ).toEqual({ allocated: 0, committed: 0, spent: 50, returned: 0, ...NO_CLOSE });
  });

  it("close a period: CLAWBACK reclaims, CARRY_FORWARD_OUT carries, CARRY_FORWARD_IN allocates; each takes from available", () => {
    const zero = { allocated: 0, committed: 0, spent: 0, returned: 0, reclaimed: 0, carriedForward: 0 };
    expect(deltaOf([{ kind: LedgerKind.CLAWBACK, amountPence: 40 }])).toEqual({ ...zero, reclaimed: 40 });
    expect(deltaOf([{ kind: LedgerKind.CARRY_FORWARD_OUT, amountPence: 30 }])).toEqual({ ...zero, carriedForward: 30 });
    expect(deltaOf([{ kind: LedgerKind.CARRY_FORWARD_IN, amountPence: 30 }])).toEqual({ ...zero, allocated: 30 });
    expect(
      available(
        deltaOf([
          { kind: LedgerKind.ALLOCATION, amountPence: 100 },
          { kind: LedgerKind.CLAWBACK, amountPence: 40 },
          { kind: LedgerKind.CARRY_FORWARD_OUT, amountPence: 30 },
        ]),
      ),
    ).toBe(30);
  });

  it("cover every kind", () => {
    expect(Object.keys(EFFECTS).sort()).toEqual(Object.values(LedgerKind).sort());
  });

  it("keep available = allocated − committed − spent − returned through any life of a booking", () => {
    // Allocate, commit visits, then deliver, miss or cancel each: available ends where it should.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom("deliver", "miss", "cancel")), { maxLength: 30 }),
        (allocation, visits) => {
          const postings = [{ kind: LedgerKind.ALLOCATION, amountPence: allocation + 1 }];
          let spent = 0;
          for (const [cost, fate] of visits) {
            postings.push({ kind: LedgerKind.COMMITMENT, amountPence: cost });
            postings.push({ kind: fate === "deliver" ? LedgerKind.SPEND : LedgerKind.RELEASE, amountPence: cost });
            if (fate === "deliver") spent += cost;
          }
          const totals = deltaOf(postings);
          expect(totals.committed).toBe(0);
          expect(totals.spent).toBe(spent);
          expect(available(totals)).toBe(allocation + 1 - spent);
        },
      ),
    );
  });
});

describe("costs of quantities", () => {
  it("price hundredths of a unit exactly, half a penny up", () => {
    expect(costPence(1, 1955)).toBe(1955);
    expect(costPence(0.75, 1955)).toBe(1466); // 1466.25
    expect(costPence(0.5, 1955)).toBe(978); // 977.5 rounds up
    expect(costPence(1.5, 1500)).toBe(2250);
    expect(costPence(10, 1500)).toBe(15000);
  });

  it("know which quantities they can price", () => {
    expect(isHundredths(1.25)).toBe(true);
    expect(isHundredths(0.1 + 0.2)).toBe(true);
    expect(isHundredths(1.255)).toBe(false);
    expect(isHundredths(Number.NaN)).toBe(false);
    expect(isHundredths(0)).toBe(true);
    expect(isHundredths(1e-320)).toBe(false); // within any tolerance of 0, yet not 0
    expect(isHundredths(1e-9)).toBe(false);
  });

  it("equal the exact product rounded half up, for any price and quantity", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: 100_000_000 }), (hundredths, price) => {
        const exact = BigInt(hundredths) * BigInt(price);
        const expected = Number((exact + 50n) / 100n);
        expect(costPence(hundredths / 100, price)).toBe(expected);
      }),
    );
  });
});

describe("apportioning pence", () => {
  it("splits 10,000p six ways as 1,667 ×4 and 1,666 ×2", () => {
    expect(apportion(10_000, [1, 1, 1, 1, 1, 1])).toEqual([1667, 1667, 1667, 1667, 1666, 1666]);
  });

  it("splits by weight, to the penny", () => {
    expect(apportion(100, [1, 2, 1])).toEqual([25, 50, 25]);
    expect(apportion(118_300, Array(520).fill(455)).reduce((a, b) => a + b, 0)).toBe(118_300);
    expect(apportion(5, [0, 0])).toEqual([0, 0]);
  });

  it("always adds up exactly and never moves a share by a penny or more from its exact value", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 50 }),
        (total, weights) => {
          const shares = apportion(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : total);
          if (sum > 0) shares.forEach((s, i) => expect(Math.abs(s - (total * weights[i]) / sum)).toBeLessThan(1));
        },
      ),
    );
  });
});

describe("earmarkChange: an earmark following a rate known at delivery (issue 10, item 6)", () => {
  it("shrinks in full, releasing the difference", () => {
    expect(earmarkChange(455, 200, 0)).toEqual({ earmarkPence: 200, commitPence: 0, releasePence: 255 });
    expect(earmarkChange(455, 0, 0)).toEqual({ earmarkPence: 0, commitPence: 0, releasePence: 455 });
  });
  it("grows by at most what is available, never making it negative", () => {
    expect(earmarkChange(455, 600, 10_000)).toEqual({ earmarkPence: 600, commitPence: 145, releasePence: 0 });
    expect(earmarkChange(455, 600, 100)).toEqual({ earmarkPence: 555, commitPence: 100, releasePence: 0 });
    expect(earmarkChange(455, 600, 0)).toEqual({ earmarkPence: 455, commitPence: 0, releasePence: 0 });
    expect(earmarkChange(455, 455, 0)).toEqual({ earmarkPence: 455, commitPence: 0, releasePence: 0 });
  });
});
