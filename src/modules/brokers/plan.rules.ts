/**
 * Choosing listings for a client's needs as a mixed-integer programme (solved with HiGHS):
 * each need is served by one listing (continuity within a need); a provider counts once however
 * many needs it serves; listings have a weekly capacity; at most `maxProviders` providers; the
 * period's cost within the available money. The cheapest plan is optimal, not greedy.
 *
 * Thousands of candidates make the programme slow to prove (a limit on providers couples them
 * all), so dominated candidates are removed first, exactly: what is left still holds a cheapest
 * plan with the fewest providers. HiGHS also has a time limit, after which its best plan so far
 * is returned as not proven cheapest.
 */
import type { Highs } from "highs";

export interface PlanNeed {
  /** Units a week, in the need's unit (hours, sessions…). */
  unitsPerWeek: number;
}

export interface PlanCandidate {
  need: number;
  listingId: string;
  providerId: string;
  /** What this listing charges for the need's weekly units, in pence. */
  weeklyCostPence: number;
  /** The need's weekly units expressed in the listing's own unit (a 45-minute visit is 0.75 h). */
  weeklyListingUnits: number;
  /** Units of the listing the provider can supply a week; null: not stated. */
  capacity: number | null;
}

export interface PlanProblem {
  needs: PlanNeed[];
  candidates: PlanCandidate[];
  maxProviders: number | null;
  weeks: number;
  /** Null: ignore money (to find what the cheapest plan would cost). */
  availablePence: number | null;
}

/** One candidate per need, by index into `candidates`. */
export type Assignment = number[];

export type PlanOutcome = { feasible: true; assignment: Assignment; weeklyCostPence: number; provenCheapest: boolean } | { feasible: false };

/** Seconds HiGHS may spend on one programme; the API answers a broker while they wait. */
export const SOLVER_SECONDS = 2;

/**
 * The candidates worth solving over, as indices into `problem.candidates`. A listing whose capacity
 * could never bind (it covers everything asked of it) is "unbounded". Removed:
 * - a provider's dearer listings for a need, after its cheapest unbounded one;
 * - providers with only unbounded listings, dominated by another such provider that meets every
 *   need they meet at no greater cost: swapping one for the other never costs more or adds a provider.
 */
export function undominated(problem: PlanProblem): number[] {
  const asked = new Map<string, number>();
  for (const c of problem.candidates) asked.set(c.listingId, (asked.get(c.listingId) ?? 0) + c.weeklyListingUnits);
  const unbounded = (c: PlanCandidate) => c.capacity === null || c.capacity >= asked.get(c.listingId)!;

  // Within a provider and need: the cheapest unbounded listing, and bounded ones cheaper than it.
  const byProviderNeed = new Map<string, number[]>();
  problem.candidates.forEach((c, i) => byProviderNeed.set(`${c.providerId}|${c.need}`, [...(byProviderNeed.get(`${c.providerId}|${c.need}`) ?? []), i]));
  const kept: number[] = [];
  for (const indices of byProviderNeed.values()) {
    const cost = (i: number) => problem.candidates[i].weeklyCostPence;
    const best = indices.filter((i) => unbounded(problem.candidates[i])).sort((a, b) => cost(a) - cost(b) || a - b)[0];
    kept.push(...indices.filter((i) => i === best || (best === undefined ? true : !unbounded(problem.candidates[i]) && cost(i) < cost(best))));
  }

  // Across providers whose kept listings are all unbounded: each one's cheapest cost per need.
  const offers = new Map<string, { indices: number[]; cost: Map<number, number>; simple: boolean }>();
  for (const i of kept) {
    const c = problem.candidates[i];
    const offer = offers.get(c.providerId) ?? { indices: [], cost: new Map<number, number>(), simple: true };
    offer.indices.push(i);
    offer.cost.set(c.need, c.weeklyCostPence);
    offer.simple &&= unbounded(c);
    offers.set(c.providerId, offer);
  }
  const total = (o: { cost: Map<number, number> }) => [...o.cost.values()].reduce((a, b) => a + b, 0);
  // A dominator meets at least as many needs and, meeting the same ones, costs no more in total: it comes first.
  const simple = [...offers.entries()]
    .filter(([, o]) => o.simple)
    .sort(([pa, a], [pb, b]) => b.cost.size - a.cost.size || total(a) - total(b) || pa.localeCompare(pb));
  const frontier: { cost: Map<number, number> }[] = [];
  const survivors = [...offers.values()].filter((o) => !o.simple).flatMap((o) => o.indices);
  for (const [, offer] of simple) {
    const dominated = frontier.some((q) => [...offer.cost].every(([need, cost]) => (q.cost.get(need) ?? Infinity) <= cost));
    if (dominated) continue;
    frontier.push(offer);
    survivors.push(...offer.indices);
  }
  return survivors.sort((a, b) => a - b);
}

/** The problem over its undominated candidates, and the way back to the original indices. */
function reduced(problem: PlanProblem): { problem: PlanProblem; original: number[] } {
  const original = undominated(problem);
  return { problem: { ...problem, candidates: original.map((i) => problem.candidates[i]) }, original };
}

/** The problem in CPLEX LP format: z_i picks candidate i, y_p uses provider p. */
export function planModel(problem: PlanProblem, objective: "cost" | "providers" = "cost"): string {
  const providers = [...new Set(problem.candidates.map((c) => c.providerId))];
  const providerIndex = new Map(providers.map((p, i) => [p, i]));
  const z = (i: number) => `z${i}`;
  const y = (p: string) => `y${providerIndex.get(p)}`;
  const terms = (parts: string[]) => (parts.length ? parts.join(" + ") : "0 z0");

  const rows: string[] = [];
  problem.needs.forEach((_need, n) => {
    const picks = problem.candidates.flatMap((c, i) => (c.need === n ? [z(i)] : []));
    rows.push(` need${n}: ${terms(picks)} = 1`);
  });
  const byListing = new Map<string, number[]>();
  problem.candidates.forEach((c, i) => byListing.set(c.listingId, [...(byListing.get(c.listingId) ?? []), i]));
  let l = 0;
  for (const indices of byListing.values()) {
    const capacity = problem.candidates[indices[0]].capacity;
    if (capacity !== null) rows.push(` capacity${l++}: ${terms(indices.map((i) => `${problem.candidates[i].weeklyListingUnits} ${z(i)}`))} <= ${capacity}`);
  }
  problem.candidates.forEach((c, i) => rows.push(` link${i}: ${z(i)} - ${y(c.providerId)} <= 0`));
  if (problem.maxProviders !== null && objective === "cost") rows.push(` providers: ${terms(providers.map(y))} <= ${problem.maxProviders}`);
  if (problem.availablePence !== null && objective === "cost") {
    rows.push(` money: ${terms(problem.candidates.map((c, i) => `${c.weeklyCostPence * problem.weeks} ${z(i)}`))} <= ${problem.availablePence}`);
  }
  const goal =
    objective === "cost"
      ? // A tiny charge per provider breaks ties towards fewer providers (continuity of care).
        [...problem.candidates.map((c, i) => `${c.weeklyCostPence} ${z(i)}`), ...providers.map((p) => `0.001 ${y(p)}`)]
      : providers.map(y);
  return [
    "Minimize",
    ` cost: ${terms(goal)}`,
    "Subject To",
    ...rows,
    "Binaries",
    ` ${[...problem.candidates.map((_c, i) => z(i)), ...providers.map(y)].join(" ")}`,
    "End",
  ].join("\n");
}

export function solvePlan(highs: Highs, whole: PlanProblem): PlanOutcome {
  const { problem, original } = reduced(whole);
  if (problem.needs.some((_n, need) => !problem.candidates.some((c) => c.need === need))) return { feasible: false };
  const solution = highs.solve(planModel(problem), { output_flag: false, mip_rel_gap: 0, time_limit: SOLVER_SECONDS });
  const found = solution.Status === "Optimal" || (solution.Status === "Time limit reached" && Number.isFinite(solution.ObjectiveValue));
  if (!found) return { feasible: false };
  const assignment = problem.needs.map((_n, need) =>
    problem.candidates.findIndex((c, i) => c.need === need && Math.round(solution.Columns[`z${i}`]?.Primal ?? 0) === 1),
  );
  if (assignment.includes(-1)) return { feasible: false };
  const weeklyCostPence = assignment.reduce((sum, i) => sum + problem.candidates[i].weeklyCostPence, 0);
  return { feasible: true, assignment: assignment.map((i) => original[i]), weeklyCostPence, provenCheapest: solution.Status === "Optimal" };
}

/** The fewest providers that can meet every need (capacities respected), or null if none can (or not within the time limit). */
export function fewestProviders(highs: Highs, whole: PlanProblem): number | null {
  const { problem } = reduced(whole);
  if (problem.needs.some((_n, need) => !problem.candidates.some((c) => c.need === need))) return null;
  const solution = highs.solve(planModel(problem, "providers"), { output_flag: false, mip_rel_gap: 0, time_limit: SOLVER_SECONDS });
  return solution.Status === "Optimal" ? Math.round(solution.ObjectiveValue) : null;
}
