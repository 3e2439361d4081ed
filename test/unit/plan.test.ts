import fc from "fast-check";
import loadHighs, { type Highs } from "highs";
import { fewestProviders, solvePlan, undominated, type PlanCandidate, type PlanProblem } from "../../src/modules/brokers/plan.rules";

let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

const candidate = (need: number, providerId: string, weeklyCostPence: number, extra: Partial<PlanCandidate> = {}): PlanCandidate => ({
  need,
  listingId: `${providerId}-${need}`,
  providerId,
  weeklyCostPence,
  weeklyListingUnits: 1,
  capacity: null,
  ...extra,
});

/** Every assignment of one candidate per need, checked against every constraint: the cheapest, then fewest providers. */
function bruteForce(problem: PlanProblem): { cost: number; providers: number } | null {
  let best: { cost: number; providers: number } | null = null;
  const choose = (need: number, picked: number[]): void => {
    if (need === problem.needs.length) {
      if (!isValid(problem, picked)) return;
      const cost = weeklyCost(problem, picked);
      const providers = providersOf(problem, picked);
      if (!best || cost < best.cost || (cost === best.cost && providers < best.providers)) best = { cost, providers };
      return;
    }
    problem.candidates.forEach((c, i) => c.need === need && choose(need + 1, [...picked, i]));
  };
  choose(0, []);
  return best;
}

const weeklyCost = (problem: PlanProblem, picked: number[]) => picked.reduce((sum, i) => sum + problem.candidates[i].weeklyCostPence, 0);
const providersOf = (problem: PlanProblem, picked: number[]) => new Set(picked.map((i) => problem.candidates[i].providerId)).size;

function isValid(problem: PlanProblem, picked: number[]): boolean {
  const used = new Map<string, number>();
  for (const i of picked)
    used.set(problem.candidates[i].listingId, (used.get(problem.candidates[i].listingId) ?? 0) + problem.candidates[i].weeklyListingUnits);
  const withinCapacity = [...used].every(([listingId, units]) => {
    const capacity = problem.candidates.find((c) => c.listingId === listingId)!.capacity;
    return capacity === null || units <= capacity + 1e-9;
  });
  return (
    picked.every((i, need) => problem.candidates[i].need === need) &&
    withinCapacity &&
    (problem.maxProviders === null || providersOf(problem, picked) <= problem.maxProviders) &&
    (problem.availablePence === null || weeklyCost(problem, picked) * problem.weeks <= problem.availablePence)
  );
}

/** Cheapest listing for each need in turn, keeping to providers already chosen once the limit is reached. */
function greedy(problem: PlanProblem): number[] | null {
  const picked: number[] = [];
  const providers = new Set<string>();
  for (let need = 0; need < problem.needs.length; need++) {
    const options = problem.candidates
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.need === need && (problem.maxProviders === null || providers.size < problem.maxProviders || providers.has(c.providerId)))
      .sort((a, b) => a.c.weeklyCostPence - b.c.weeklyCostPence);
    if (!options.length) return null;
    picked.push(options[0].i);
    providers.add(options[0].c.providerId);
  }
  return picked;
}

describe("planning a package (mixed-integer programme)", () => {
  it("beats the greedy choice when continuity of care limits providers", () => {
    // Greedy takes X for the first need (£10 < £11), then must stay with X for the second (£30).
    const problem: PlanProblem = {
      needs: [{ unitsPerWeek: 1 }, { unitsPerWeek: 1 }],
      candidates: [candidate(0, "X", 1000), candidate(0, "Y", 1100), candidate(1, "X", 3000), candidate(1, "Y", 1200)],
      maxProviders: 1,
      weeks: 52,
      availablePence: null,
    };
    expect(weeklyCost(problem, greedy(problem)!)).toBe(4000);
    const plan = solvePlan(highs, problem);
    expect(plan).toEqual({ feasible: true, assignment: [1, 3], weeklyCostPence: 2300, provenCheapest: true });
  });

  it("beats the greedy choice when a cheap listing's capacity is needed elsewhere", () => {
    // X can supply 10 hours a week. Greedy gives them the first need's 8 hours, leaving the second need (10 h) to Z at £30.
    const problem: PlanProblem = {
      needs: [{ unitsPerWeek: 8 }, { unitsPerWeek: 10 }],
      candidates: [
        candidate(0, "X", 8 * 1500, { listingId: "x", weeklyListingUnits: 8, capacity: 10 }),
        candidate(0, "Y", 8 * 1600, { listingId: "y", weeklyListingUnits: 8, capacity: 40 }),
        candidate(1, "X", 10 * 1500, { listingId: "x", weeklyListingUnits: 10, capacity: 10 }),
        candidate(1, "Z", 10 * 3000, { listingId: "z", weeklyListingUnits: 10, capacity: 40 }),
      ],
      maxProviders: null,
      weeks: 52,
      availablePence: null,
    };
    const greedyPick = greedy(problem)!;
    expect(greedyPick).toEqual([0, 2]); // over X's capacity: greedy's plan is not even valid
    expect(isValid(problem, greedyPick)).toBe(false);
    expect(solvePlan(highs, problem)).toEqual({ feasible: true, assignment: [1, 2], weeklyCostPence: 8 * 1600 + 10 * 1500, provenCheapest: true });
  });

  it("says when nothing fits, and how few providers could do it", () => {
    const problem: PlanProblem = {
      needs: [{ unitsPerWeek: 1 }, { unitsPerWeek: 1 }],
      candidates: [candidate(0, "X", 1000), candidate(1, "Y", 1000)],
      maxProviders: 1,
      weeks: 10,
      availablePence: null,
    };
    expect(solvePlan(highs, problem)).toEqual({ feasible: false });
    expect(fewestProviders(highs, problem)).toBe(2);
    expect(solvePlan(highs, { ...problem, maxProviders: 2, availablePence: 19_999 })).toEqual({ feasible: false });
    expect(solvePlan(highs, { ...problem, needs: [...problem.needs, { unitsPerWeek: 1 }] })).toEqual({ feasible: false });
  });

  it("solves over the undominated candidates only: a provider meeting the same needs for no less goes", () => {
    const problem: PlanProblem = {
      needs: [{ unitsPerWeek: 1 }, { unitsPerWeek: 1 }],
      candidates: [
        candidate(0, "A", 1000), // 0: A meets both needs...
        candidate(1, "A", 1000), // 1
        candidate(0, "B", 1200), // 2: ...B meets one, for more: dominated
        candidate(0, "C", 900), // 3: C is cheaper on need 0: kept
        candidate(1, "D", 1000, { listingId: "d1" }), // 4: D's cheapest for need 1
        candidate(1, "D", 1100, { listingId: "d2" }), // 5: D's dearer listing for the same need: dominated
        candidate(1, "E", 5000, { capacity: 0 }), // 6: a capacity that binds: never dominated
      ],
      maxProviders: null,
      weeks: 1,
      availablePence: null,
    };
    expect(undominated(problem)).toEqual([0, 1, 3, 6]);
  });

  it("agrees with a brute-force search on small random problems", () => {
    const problemArb = fc
      .record({ needs: fc.integer({ min: 1, max: 4 }), providers: fc.integer({ min: 1, max: 6 }) })
      .chain(({ needs, providers }) =>
        fc.record({
          needs: fc.constant(needs),
          maxProviders: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
          availablePence: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: null }),
          offers: fc.array(
            fc.record({
              need: fc.nat(needs - 1),
              provider: fc.nat(providers - 1),
              listing: fc.nat(2),
              price: fc.integer({ min: 100, max: 3_000 }),
              units: fc.integer({ min: 1, max: 6 }),
              // Mostly no stated capacity, as most listings in the catalogue.
              capacity: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 10 }), weight: 1 }),
            }),
            { minLength: 1, maxLength: 20 },
          ),
        }),
      )
      .map(({ needs, maxProviders, availablePence, offers }): PlanProblem => {
        const capacities = new Map<string, number | null>();
        const candidates = offers
          .map((o) => {
            const listingId = `p${o.provider}-l${o.listing}`;
            if (!capacities.has(listingId)) capacities.set(listingId, o.capacity);
            return {
              need: o.need,
              listingId,
              providerId: `p${o.provider}`,
              weeklyCostPence: o.price * o.units,
              weeklyListingUnits: o.units,
              capacity: capacities.get(listingId)!,
            };
          })
          // One listing offers a need once.
          .filter((c, i, all) => all.findIndex((d) => d.listingId === c.listingId && d.need === c.need) === i);
        return { needs: Array.from({ length: needs }, () => ({ unitsPerWeek: 1 })), candidates, maxProviders, weeks: 2, availablePence };
      });
    fc.assert(
      fc.property(problemArb, (problem) => {
        const expected = bruteForce(problem);
        const plan = solvePlan(highs, problem);
        if (!expected) return expect(plan.feasible).toBe(false);
        expect(plan.feasible).toBe(true);
        if (!plan.feasible) return;
        expect(isValid(problem, plan.assignment)).toBe(true);
        expect(plan.weeklyCostPence).toBe(expected.cost);
        expect(providersOf(problem, plan.assignment)).toBe(expected.providers);
      }),
      { numRuns: 500 },
    );
  });
});
