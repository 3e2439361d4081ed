/**
 * Choosing listings for a client's needs as a mixed-integer programme (solved with HiGHS):
 * each need is served by one listing (continuity within a need); a provider counts once however
 * many needs it serves; listings have a weekly capacity; at most `maxProviders` providers; the
 * period's cost within the available money. The cheapest plan is optimal, not greedy.
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

export type PlanOutcome = { feasible: true; assignment: Assignment; weeklyCostPence: number } | { feasible: false };

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

export function solvePlan(highs: Highs, problem: PlanProblem): PlanOutcome {
  if (problem.needs.some((_n, need) => !problem.candidates.some((c) => c.need === need))) return { feasible: false };
  const solution = highs.solve(planModel(problem), { output_flag: false, mip_rel_gap: 0 });
  if (solution.Status !== "Optimal") return { feasible: false };
  const assignment = problem.needs.map((_n, need) => problem.candidates.findIndex((c, i) => c.need === need && Math.round(solution.Columns[`z${i}`]?.Primal ?? 0) === 1));
  const weeklyCostPence = assignment.reduce((sum, i) => sum + problem.candidates[i].weeklyCostPence, 0);
  return { feasible: true, assignment, weeklyCostPence };
}

/** The fewest providers that can meet every need (capacities respected), or null if none can. */
export function fewestProviders(highs: Highs, problem: PlanProblem): number | null {
  if (problem.needs.some((_n, need) => !problem.candidates.some((c) => c.need === need))) return null;
  const solution = highs.solve(planModel(problem, "providers"), { output_flag: false, mip_rel_gap: 0 });
  return solution.Status === "Optimal" ? Math.round(solution.ObjectiveValue) : null;
}
