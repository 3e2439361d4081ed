import loadHighs, { type Highs } from "highs";
import type { DataSource } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { fail, failAll, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { formatPounds } from "../../shared/money";
import { addDays, londonDate, type Clock } from "../../shared/time";
import { availableOf, type BudgetService, type BudgetView } from "../budgets";
import type { BookingService } from "../bookings";
import type { ListingCandidate, ListingService } from "../listings";
import { savingPence } from "../pricing";
import { DEFAULT_EVENING_FROM_HOUR, Unit, type ReferenceService } from "../reference";
import type { Need, PlanPackageCommand } from "./plan.commands";
import { UnmetReason } from "./plan.enums";
import { PlanningRefusalEntity } from "./planning-refusal.entity";
import { scheduleFrom, weeklyBand, weeklySlots, type BandTest, type PlannedSchedule, type WeeklySlots } from "./plan-schedule.rules";
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
  /** When its visits happen: what addPackageItem takes as it is. */
  schedule: PlannedSchedule;
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

/** The reasons that say the market has no supply (not the budget's or the broker's limits). */
const MARKET_FAILURES = new Set([UnmetReason.NO_PROVIDER, UnmetReason.NO_CAPACITY]);

/** Weekly slots by ask (pure, so kept between plans; bounded): listings share a few kinds of terms. */
const SLOTS = new Map<string, WeeklySlots | null>();

/** A candidate listing with what the plan would book of it: its weekly units and schedule. */
type PlanRow = ListingCandidate & { weeklyListingUnits: number; schedule: PlannedSchedule };

/** The planner's problem within the money the budget has available (a PlanProblem may also have no limit: null). */
type BudgetedProblem = PlanProblem & { availablePence: number };

/** What a plan read, as plain data (a worker thread receives it): the candidates, their listings' booked peaks, the plan's weeks and money. */
export interface PlanAsk {
  input: PlanPackageCommand;
  candidates: ListingCandidate[];
  /** Each capped listing's busiest week's booked units between the plan's start and the period's end. */
  peaks: Map<string, number>;
  firstDay: string;
  eveningFromHour: number;
  weeks: number;
  availablePence: number;
}

export class PlanService {
  private highs: Promise<Highs> | undefined;

  constructor(
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly listings: ListingService,
    private readonly bookings: BookingService,
    private readonly db: DataSource,
    private readonly clock: Clock,
    /** Where the solve runs (a worker pool, plan-solver.pool.ts); by default here, on the event loop. */
    private readonly solveElsewhere?: (ask: PlanAsk) => Promise<PackagePlanRecord>,
  ) {}

  /** A planner that only solves (in a worker thread of plan-solver.pool.ts). */
  static solverOnly(): PlanService {
    return new PlanService(null as never, null as never, null as never, null as never, null as never, null as never);
  }

  /**
   * The step of `plan` after its reads, for a worker thread: scheduling each candidate, the problem
   * and its solve. All of it is per-candidate work (thousands of rows), so none of it holds up the
   * event loop when a pool runs it.
   */
  async solveProblem(ask: PlanAsk): Promise<PackagePlanRecord> {
    const { input, candidates, peaks, firstDay, eveningFromHour } = ask;
    const rows = this.schedulable(input.needs, candidates, firstDay, weeklyBand({ eveningFromHour }), eveningFromHour);
    const netCapacity = netCapacityOf(rows, peaks);
    const problem: BudgetedProblem = {
      needs: input.needs,
      candidates: rows.map((row) => toCandidate(row, netCapacity)),
      maxProviders: input.maxProviders ?? null,
      weeks: ask.weeks,
      availablePence: ask.availablePence,
    };
    return this.solve(input, problem, rows);
  }

  /** HiGHS compiles its WebAssembly once, on first use. */
  private solver(): Promise<Highs> {
    this.highs ??= loadHighs();
    return this.highs;
  }

  async plan(viewer: Viewer, input: PlanPackageCommand): Promise<Result<PackagePlanRecord>> {
    const visible = await this.budgets.findVisibleOf(viewer, input.clientId, input.budgetId);
    if (!visible.ok) return visible;
    const { budget, client } = visible.value;
    const errors = await this.checkNeeds(input);
    if (errors.length) return failAll(errors);
    const horizon = this.horizon(budget);
    if (!horizon) return fail(UserErrorCode.OUTSIDE_BUDGET_PERIOD, "The budget period has ended.", ["budgetId"]);
    const area = { fundingBodyCode: budget.fundingBodyCode, postcodeDistrict: client.postcodeDistrict, on: horizon.start, careHomeId: client.careHomeId };
    const eveningFromHour = (await this.reference.findFundingBody(budget.fundingBodyCode))?.eveningFromHour ?? DEFAULT_EVENING_FROM_HOUR;
    const candidates = await this.listings.candidatesFor(input.needs, area);
    const capped = [...new Set(candidates.filter((c) => c.weeklyCapacityUnits !== null).map((c) => c.listingId))];
    const peaks = await this.bookings.peakBookedUnits(capped, horizon.start, budget.periodEnd);
    const ask: PlanAsk = { input, candidates, peaks, firstDay: horizon.firstDay, eveningFromHour, weeks: horizon.weeks, availablePence: availableOf(budget) };
    const plan = await (this.solveElsewhere ? this.solveElsewhere(ask) : this.solveProblem(ask));
    await this.recordRefusals(input, plan, { clientId: client.id, fundingBodyCode: budget.fundingBodyCode, postcodeDistrict: client.postcodeDistrict });
    return ok(plan);
  }

  /**
   * Needs that found no supply (no listing, or too little capacity) are kept for marketGaps: one
   * row a need (a refusal of the plan as a whole, one a category asked). A plan otherwise changes
   * nothing, so this is its only write: one INSERT, atomic on its own.
   */
  private async recordRefusals(
    input: PlanPackageCommand,
    plan: PackagePlanRecord,
    where: Pick<PlanningRefusalEntity, "clientId" | "fundingBodyCode" | "postcodeDistrict">,
  ): Promise<void> {
    const refusedAt = this.clock.now();
    const rows = plan.unmet
      .filter((u) => MARKET_FAILURES.has(u.reason))
      .flatMap((u) =>
        (u.need === null ? [...new Set(input.needs.map((n) => n.categoryCode))] : [input.needs[u.need].categoryCode]).map((categoryCode) => ({
          categoryCode,
          reason: u.reason,
        })),
      )
      .map((r) => ({ id: newId(), ...where, ...r, refusedAt }));
    if (rows.length) await this.db.getRepository(PlanningRefusalEntity).insert(rows);
  }

  /**
   * The candidates a broker could book as planned: each with its weekly units in the listing's unit
   * (whole visits for an hourly need met by visits) and a weekly schedule inside the listing's
   * days and hours, the need's, and its rate type's band; a listing with none is left out.
   * Listings sharing their terms share one schedule (the work is per kind of listing, not per listing).
   */
  private schedulable(needs: Need[], candidates: ListingCandidate[], firstDay: string, inBand: BandTest, eveningFromHour: number): PlanRow[] {
    const placed = new Map<string, PlannedSchedule | null>();
    const needKeys = needs.map((need) => JSON.stringify([eveningFromHour, need.days, need.from, need.to]));
    return candidates.flatMap((row) => {
      const need = needs[row.need];
      const weeklyListingUnits = listingUnitsOf(row, need.unitsPerWeek);
      const key = `${needKeys[row.need]}|${weeklyListingUnits}|${row.unit}|${row.visitMinutes}|${row.rateType}|${row.availableDays.join()}|${row.availableFrom}|${row.availableTo}`;
      let schedule = placed.get(key);
      if (schedule === undefined) {
        let slots = SLOTS.get(key);
        if (slots === undefined) {
          const ask = {
            weeklyUnits: weeklyListingUnits,
            unit: row.unit,
            visitMinutes: row.visitMinutes,
            rateType: row.rateType,
            listingDays: row.availableDays,
            listingFrom: row.availableFrom,
            listingTo: row.availableTo,
            needDays: need.days,
            needFrom: need.from,
            needTo: need.to,
          };
          slots = weeklySlots(ask, inBand);
          if (SLOTS.size >= 50_000) SLOTS.clear();
          SLOTS.set(key, slots);
        }
        schedule = slots && scheduleFrom(slots, firstDay);
        placed.set(key, schedule);
      }
      return schedule ? [{ ...row, weeklyListingUnits, schedule }] : [];
    });
  }

  /** From today (or the period's start) to the budget period's end, in whole weeks; null once the period has ended. */
  private horizon(budget: BudgetView): { start: string; firstDay: string; weeks: number } | null {
    const today = londonDate(this.clock.now());
    const start = today > budget.periodStart ? today : budget.periodStart;
    if (start > budget.periodEnd) return null;
    const weeks = Math.max(1, Math.ceil((Date.parse(addDays(budget.periodEnd, 1)) - Date.parse(start)) / (7 * 86_400_000)));
    // Visits planned today could already be past when booked: the schedules start tomorrow at the earliest.
    return { start, firstDay: start > today ? start : addDays(today, 1), weeks };
  }

  /** The cheapest plan within the money; else why not: a need no one meets, too few providers, or the need to drop to fit. */
  private async solve(input: PlanPackageCommand, problem: BudgetedProblem, rows: PlanRow[]): Promise<PackagePlanRecord> {
    const highs = await this.solver();
    const plan = (assignment: number[], unmet: UnmetNeedRecord[], provenCheapest = true): PackagePlanRecord => ({
      ...this.describe(problem, rows, assignment, unmet),
      provenCheapest,
    });
    const outcome = solvePlan(highs, problem);
    if (outcome.feasible) return plan(outcome.assignment, [], outcome.provenCheapest);

    const unmet = this.unmetNeeds(input, problem, highs);
    if (unmet.length) return plan([], unmet);
    // Every need can be met by few enough providers: the money is what falls short.
    const cheapest = solvePlan(highs, { ...problem, availablePence: null });
    if (!cheapest.feasible)
      return plan([], [{ need: null, reason: UnmetReason.NO_PROVIDER, message: "No combination of listings meets every need.", costPence: null }]);
    return plan(cheapest.assignment, this.overBudget(input, problem, cheapest.assignment, problem.availablePence), cheapest.provenCheapest);
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
          message: `${describeNeed(need, n)}: no listing serves the client's area on those days and times (within its rate's time band).`,
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

  /** The plan of `assignment` (candidate indexes, one a need), feasible when nothing is unmet. */
  private describe(problem: BudgetedProblem, rows: PlanRow[], assignment: number[], unmet: UnmetNeedRecord[]): Omit<PackagePlanRecord, "provenCheapest"> {
    const { weeks, availablePence } = problem;
    const items: PlannedItemRecord[] = assignment.map((i) => {
      const c = problem.candidates[i];
      const reference = rows[i].referencePence;
      return {
        need: c.need,
        listingId: c.listingId,
        listingUnitsPerWeek: c.weeklyListingUnits,
        weeklyCostPence: c.weeklyCostPence,
        periodCostPence: c.weeklyCostPence * weeks,
        periodReferenceCostPence: reference === null ? null : Math.round(reference * c.weeklyListingUnits) * weeks,
        schedule: rows[i].schedule,
      };
    });
    const referenced = items.filter((i) => i.periodReferenceCostPence !== null);
    const weeklyCostPence = items.reduce((sum, i) => sum + i.weeklyCostPence, 0);
    return {
      feasible: unmet.length === 0,
      weeks,
      items,
      weeklyCostPence,
      periodCostPence: weeklyCostPence * weeks,
      periodReferenceCostPence: referenced.reduce((sum, i) => sum + i.periodReferenceCostPence!, 0),
      savingPence: referenced.reduce((sum, i) => sum + savingPence(i.periodReferenceCostPence!, i.periodCostPence), 0),
      availablePence,
      providers: new Set(assignment.map((i) => problem.candidates[i].providerId)).size,
      candidates: problem.candidates.length,
      unmet,
    };
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

/**
 * The need's weekly units in the listing's unit: the same for the same unit; an hourly need met by
 * visits takes whole visits, enough to cover the hours (5 h of 45-minute visits: 7 visits, not 6.67).
 */
function listingUnitsOf(row: ListingCandidate, unitsPerWeek: number): number {
  if (row.unit !== Unit.VISIT || !row.visitMinutes) return unitsPerWeek;
  return Math.ceil(Math.round(((unitsPerWeek * 60) / row.visitMinutes) * 1000) / 1000);
}

/** A listing as a way of meeting a need: its weekly units and cost, and its capacity net of what is booked. */
function toCandidate(row: PlanRow, netCapacity: Map<string, number>): PlanCandidate {
  return {
    need: row.need,
    listingId: row.listingId,
    providerId: row.providerId,
    weeklyCostPence: Math.round(row.weeklyListingUnits * row.pricePence),
    weeklyListingUnits: row.weeklyListingUnits,
    capacity: netCapacity.get(row.listingId) ?? null,
  };
}

function describeNeed(need: Need, n: number): string {
  return `Need ${n + 1} (${need.categoryCode}, ${need.unitsPerWeek} ${need.unit.toLowerCase()}/week)`;
}

/**
 * Each capped listing's capacity net of what is booked already: its weekly capacity less its
 * busiest week's booked units (the plan books every week, so the busiest week is the one that
 * binds); never below zero.
 */
function netCapacityOf(rows: PlanRow[], peaks: Map<string, number>): Map<string, number> {
  const net = new Map<string, number>();
  for (const row of rows) {
    if (row.weeklyCapacityUnits !== null)
      net.set(row.listingId, Math.max(0, Math.round((row.weeklyCapacityUnits - (peaks.get(row.listingId) ?? 0)) * 100) / 100));
  }
  return net;
}
