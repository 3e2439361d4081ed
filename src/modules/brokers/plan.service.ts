import loadHighs, { type Highs } from "highs";
import type { DataSource } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { fail, failAll, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { formatPounds } from "../../shared/money";
import { addDays, londonDate, type Clock } from "../../shared/time";
import { available, type BudgetEntity, type BudgetService, type ClientEntity } from "../budgets";
import { councilRateLateral } from "../pricing";
import { Unit, type ReferenceService } from "../reference";
import type { Need, PlanPackageCommand } from "./plan.commands";
import { UnmetReason } from "./plan.enums";
import { fewestProviders, solvePlan, type PlanCandidate, type PlanProblem } from "./plan.rules";

/** A listing chosen for a need, with its cost over the plan's weeks. */
export interface PlannedItemRecord {
  /** Index of the need it meets. */
  need: number;
  listingId: string;
  /** Units a week of the listing's own unit. */
  listingUnitsPerWeek: number;
  weeklyCostPence: number;
  periodCostPence: number;
  /** The same units at the funding body's rate; null without one. */
  periodReferenceCostPence: number | null;
}

/** A need the plan cannot meet (need null: the plan as a whole), and why. */
export interface UnmetNeedRecord {
  need: number | null;
  reason: UnmetReason;
  message: string;
  costPence: number | null;
}

/** The cheapest set of listings meeting every need within the budget, or why there is none. */
export interface PackagePlanRecord {
  feasible: boolean;
  provenCheapest: boolean;
  weeks: number;
  items: PlannedItemRecord[];
  weeklyCostPence: number;
  periodCostPence: number;
  periodReferenceCostPence: number;
  savingPence: number;
  availablePence: number;
  providers: number;
  candidates: number;
  unmet: UnmetNeedRecord[];
}

interface CandidateRow {
  need: number;
  id: string;
  provider_id: string;
  unit: Unit;
  visit_minutes: number | null;
  price_pence: number;
  weekly_capacity_units: string | null;
  reference_pence: number | null;
}

export class PlanService {
  private highs: Promise<Highs> | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly clock: Clock,
  ) {}

  /** HiGHS compiles its WebAssembly once, on first use. */
  private solver(): Promise<Highs> {
    this.highs ??= loadHighs();
    return this.highs;
  }

  async plan(viewer: Viewer, input: PlanPackageCommand): Promise<Result<PackagePlanRecord>> {
    const visible = await this.budgets.findVisibleOf(viewer, input.clientId, input.budgetId);
    if (!visible.ok) return visible;
    const found = visible.value;
    const errors = await this.checkNeeds(input);
    if (errors.length) return failAll(errors);

    const today = londonDate(this.clock.now());
    const start = today > found.budget.periodStart ? today : found.budget.periodStart;
    if (start > found.budget.periodEnd) return fail(UserErrorCode.OUTSIDE_BUDGET_PERIOD, "The budget period has ended.", ["budgetId"]);
    const weeks = Math.max(1, Math.ceil((Date.parse(addDays(found.budget.periodEnd, 1)) - Date.parse(start)) / (7 * 86_400_000)));
    const rows = await this.candidates(input, found.client, found.budget, start);
    const candidates = rows.map((row) => toCandidate(row, input.needs[row.need].unitsPerWeek));
    const budget = found.budget;
    const availablePence = available({
      allocated: budget.allocatedPence,
      committed: budget.committedPence,
      spent: budget.spentPence,
      returned: budget.returnedPence,
    });
    const problem: PlanProblem = { needs: input.needs, candidates, maxProviders: input.maxProviders ?? null, weeks, availablePence };

    const highs = await this.solver();
    const outcome = solvePlan(highs, problem);
    const plan = (assignment: number[], unmet: UnmetNeedRecord[], provenCheapest = true): PackagePlanRecord => ({
      ...this.describe(problem, rows, assignment, unmet, availablePence, weeks, unmet.length === 0),
      provenCheapest,
    });
    if (outcome.feasible) return ok(plan(outcome.assignment, [], outcome.provenCheapest));

    const unmet = this.unmetNeeds(input, problem, highs);
    if (unmet.length) return ok(plan([], unmet));
    // Every need can be met by few enough providers: the money is what falls short.
    const cheapest = solvePlan(highs, { ...problem, availablePence: null });
    if (!cheapest.feasible)
      return ok(plan([], [{ need: null, reason: UnmetReason.NO_PROVIDER, message: "No combination of listings meets every need.", costPence: null }]));
    return ok(plan(cheapest.assignment, this.overBudget(input, problem, cheapest.assignment, availablePence), cheapest.provenCheapest));
  }

  /** Needs that no listing can meet, or not in the quantity asked; then too few providers allowed. */
  private unmetNeeds(input: PlanPackageCommand, problem: PlanProblem, highs: Highs): UnmetNeedRecord[] {
    const unmet: UnmetNeedRecord[] = [];
    input.needs.forEach((need, n) => {
      const options = problem.candidates.filter((c) => c.need === n);
      if (options.length === 0) {
        unmet.push({
          need: n,
          reason: UnmetReason.NO_PROVIDER,
          message: `${describeNeed(need, n)}: no listing serves the client's area on those days and times.`,
          costPence: null,
        });
      } else if (options.every((c) => c.capacity !== null && c.capacity < c.weeklyListingUnits)) {
        unmet.push({
          need: n,
          reason: UnmetReason.NO_CAPACITY,
          message: `${describeNeed(need, n)}: no provider can supply that much a week.`,
          costPence: null,
        });
      }
    });
    if (unmet.length || problem.maxProviders === null) return unmet;
    const fewest = fewestProviders(highs, { ...problem, maxProviders: null, availablePence: null });
    if (fewest === null)
      return [{ need: null, reason: UnmetReason.NO_CAPACITY, message: "Together the needs exceed what the providers can supply a week.", costPence: null }];
    if (fewest > problem.maxProviders) {
      return [
        {
          need: null,
          reason: UnmetReason.TOO_FEW_PROVIDERS,
          message: `Meeting every need takes at least ${fewest} providers; at most ${problem.maxProviders} were allowed.`,
          costPence: null,
        },
      ];
    }
    return unmet;
  }

  /** Which need to drop to fit the money: the one whose cost, left out, brings the plan within it. */
  private overBudget(input: PlanPackageCommand, problem: PlanProblem, assignment: number[], availablePence: number): UnmetNeedRecord[] {
    const costs = assignment.map((i) => problem.candidates[i].weeklyCostPence * problem.weeks);
    const total = costs.reduce((a, b) => a + b, 0);
    const droppable = costs
      .map((cost, n) => ({ n, cost }))
      .filter(({ cost }) => total - cost <= availablePence)
      .sort((a, b) => a.cost - b.cost);
    const shortfall = `The cheapest plan costs ${formatPounds(total)} over ${problem.weeks} weeks; ${formatPounds(availablePence)} is available.`;
    if (droppable.length) {
      const { n, cost } = droppable[0];
      return [
        {
          need: n,
          reason: UnmetReason.OVER_BUDGET,
          message: `${shortfall} Without ${describeNeed(input.needs[n], n)} (${formatPounds(cost)}) the rest fits.`,
          costPence: cost,
        },
      ];
    }
    return costs.map((cost, n) => ({
      need: n,
      reason: UnmetReason.OVER_BUDGET,
      message: `${shortfall} ${describeNeed(input.needs[n], n)} costs ${formatPounds(cost)}.`,
      costPence: cost,
    }));
  }

  private describe(
    problem: PlanProblem,
    rows: CandidateRow[],
    assignment: number[],
    unmet: UnmetNeedRecord[],
    availablePence: number,
    weeks: number,
    feasible: boolean,
  ): Omit<PackagePlanRecord, "provenCheapest"> {
    const items: PlannedItemRecord[] = assignment.map((i) => {
      const c = problem.candidates[i];
      const reference = rows[i].reference_pence;
      return {
        need: c.need,
        listingId: c.listingId,
        listingUnitsPerWeek: c.weeklyListingUnits,
        weeklyCostPence: c.weeklyCostPence,
        periodCostPence: c.weeklyCostPence * weeks,
        periodReferenceCostPence: reference === null ? null : Math.round(reference * c.weeklyListingUnits) * weeks,
      };
    });
    const referenced = items.filter((i) => i.periodReferenceCostPence !== null);
    const weeklyCostPence = items.reduce((sum, i) => sum + i.weeklyCostPence, 0);
    return {
      feasible,
      weeks,
      items,
      weeklyCostPence,
      periodCostPence: weeklyCostPence * weeks,
      periodReferenceCostPence: referenced.reduce((sum, i) => sum + i.periodReferenceCostPence!, 0),
      savingPence: referenced.reduce((sum, i) => sum + i.periodReferenceCostPence! - i.periodCostPence, 0),
      availablePence,
      providers: new Set(assignment.map((i) => problem.candidates[i].providerId)).size,
      candidates: problem.candidates.length,
      unmet,
    };
  }

  /** Listings that could meet each need: category, area, days, hours, rating, unit; one statement for all needs. */
  private candidates(input: PlanPackageCommand, client: ClientEntity, budget: BudgetEntity, on: string): Promise<CandidateRow[]> {
    const needs = input.needs.map((need, i) => ({
      i,
      category_code: need.categoryCode,
      unit: need.unit,
      days: need.days ?? [],
      from_time: need.from ?? null,
      to_time: need.to ?? null,
      min_rating: need.minCqcRating ?? null,
    }));
    return this.db.query(
      `WITH needs AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS n(i int, category_code text, unit unit, days weekday[], from_time text, to_time text, min_rating cqc_rating))
       SELECT n.i AS need, l.id, l.provider_id, l.unit, l.visit_minutes, l.price_pence, l.weekly_capacity_units, cr.pence AS reference_pence
       FROM needs n
       JOIN listings l ON l.active AND l.category_code = n.category_code
         AND (l.unit = n.unit OR (n.unit = 'HOUR' AND l.unit = 'VISIT' AND l.visit_minutes IS NOT NULL))
         AND l.available_days @> n.days
         AND l.available_from <= coalesce(n.from_time, '24:00') AND l.available_to >= coalesce(n.to_time, '00:00')
       JOIN providers p ON p.id = l.provider_id
         AND (p.service_areas @> ARRAY[$2]::varchar[] OR p.postcode_districts @> ARRAY[$3]::varchar[] OR l.setting = 'REMOTE')
         AND (n.min_rating IS NULL OR p.cqc_rating >= n.min_rating)
       LEFT JOIN LATERAL ${councilRateLateral("l", "$2", "$4::date")} cr ON true
       ORDER BY n.i, l.price_pence, l.id`,
      [JSON.stringify(needs), budget.fundingBodyCode, client.postcodeDistrict, on],
    );
  }

  private async checkNeeds(input: PlanPackageCommand): Promise<UserErrorData[]> {
    const categories = new Set((await this.reference.listCategories()).map((c) => c.code));
    const errors: UserErrorData[] = [];
    input.needs.forEach((need, n) => {
      if (!categories.has(need.categoryCode))
        errors.push({ code: UserErrorCode.NOT_FOUND, message: `No category has code ${need.categoryCode}.`, field: ["needs", n, "categoryCode"] });
      if (need.from && need.to && need.from >= need.to)
        errors.push({ code: UserErrorCode.INVALID_VALUE, message: "The need's hours end before they start.", field: ["needs", n, "to"] });
    });
    return errors;
  }
}

/** A listing as a way of meeting a need: its weekly units and cost (visits pro rata for an hourly need). */
function toCandidate(row: CandidateRow, unitsPerWeek: number): PlanCandidate {
  const listingUnits = row.unit === Unit.VISIT && row.visit_minutes ? Math.round(((unitsPerWeek * 60) / row.visit_minutes) * 100) / 100 : unitsPerWeek;
  return {
    need: row.need,
    listingId: row.id,
    providerId: row.provider_id,
    weeklyCostPence: Math.round(listingUnits * row.price_pence),
    weeklyListingUnits: listingUnits,
    capacity: row.weekly_capacity_units === null ? null : Number(row.weekly_capacity_units),
  };
}

function describeNeed(need: Need, n: number): string {
  return `Need ${n + 1} (${need.categoryCode}, ${need.unitsPerWeek} ${need.unit.toLowerCase()}/week)`;
}
