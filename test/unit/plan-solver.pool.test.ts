/**
 * planPackage's solve step in worker threads (plan-solver.pool.ts): a worker plans what the
 * service plans on the event loop, from the same plain data (candidates and booked peaks); workers
 * start when problems come and end when left idle; a solve past the pool's deadline is ended, its
 * caller told, and a fresh worker takes the next; a worker that cannot load answers the problems
 * waiting with its error; closing refuses what waits. Workers start under
 * ts-node here, so these take seconds, not milliseconds.
 */
import path from "node:path";
import { PlanService, PlanSolverPool, type PlanAsk } from "../../src/modules/brokers";
import type { ListingCandidate } from "../../src/modules/listings";
import { RateType, Unit, Weekday } from "../../src/modules/reference";

const EVERY_DAY = Object.values(Weekday);

function candidate(need: number, listingId: string, pricePence: number, weeklyCapacityUnits: number | null = null): ListingCandidate {
  return {
    need,
    listingId,
    providerId: `provider-${listingId}`,
    unit: Unit.HOUR,
    visitMinutes: null,
    pricePence,
    weeklyCapacityUnits,
    rateType: RateType.STANDARD,
    availableDays: EVERY_DAY,
    availableFrom: "07:00",
    availableTo: "22:00",
    referencePence: 2_500,
  };
}

/** Waits for `condition`, checking every 20 ms, for at most 10 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error("The condition never held.");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two needs of 4 hours a week; the cheapest personal care listing has 10 hours a week, 7 of them booked already. */
function ask(): PlanAsk {
  return {
    input: {
      clientId: null,
      budgetId: null,
      needs: [
        { categoryCode: "PERSONAL_CARE", unitsPerWeek: 4, unit: Unit.HOUR },
        { categoryCode: "DOMESTIC", unitsPerWeek: 4, unit: Unit.HOUR },
      ],
    },
    candidates: [candidate(0, "cheap-care", 1_800, 10), candidate(0, "dear-care", 2_200), candidate(1, "cleaner", 1_500)],
    peaks: new Map([["cheap-care", 7]]),
    firstDay: "2026-06-01",
    eveningFromHour: 20,
    weeks: 10,
    availablePence: 1_000_000,
  };
}

describe("PlanSolverPool", () => {
  it("plans in a worker what the service plans here, capacity net of the booked peaks", async () => {
    const pool = new PlanSolverPool(1);
    try {
      const here = await PlanService.solverOnly().solveProblem(ask());
      expect(await pool.solve(ask())).toEqual(here);
      // 10 − 7 booked leaves 3 hours a week of the cheaper care: too few for 4, so the dearer one is chosen.
      expect(here.items.map((i) => i.listingId)).toEqual(["dear-care", "cleaner"]);
      expect(here.weeklyCostPence).toBe(4 * 2_200 + 4 * 1_500);
      const unbooked = await pool.solve({ ...ask(), peaks: new Map() });
      expect(unbooked.items.map((i) => i.listingId)).toEqual(["cheap-care", "cleaner"]);
    } finally {
      await pool.close();
    }
  });

  it("starts workers when problems come, up to its size, and ends those left idle", async () => {
    const pool = new PlanSolverPool(2, 60_000, 100);
    try {
      expect(pool.workers).toBe(0);
      const three = [pool.solve(ask()), pool.solve(ask()), pool.solve(ask())];
      expect(pool.workers).toBe(2);
      await Promise.all(three);
      await until(() => pool.workers === 0);
      // The next problem starts a worker again.
      expect((await pool.solve(ask())).feasible).toBe(true);
      expect(pool.workers).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it("ends a solve past its deadline and tells its caller; a fresh worker takes the next problem", async () => {
    const pool = new PlanSolverPool(1, 1);
    try {
      await expect(pool.solve(ask())).rejects.toThrow("The planner took longer than 0.001 s.");
      // Only a replacement worker, loaded and given the problem, can overrun again.
      await expect(pool.solve(ask())).rejects.toThrow("The planner took longer than 0.001 s.");
    } finally {
      await pool.close();
    }
  });

  it("answers each waiting problem with the error of a worker that cannot load, and starts no more than the problems need", async () => {
    const pool = new PlanSolverPool(1, 60_000, 60_000, path.join(__dirname, "no-such-worker.js"));
    const spawned = jest.spyOn(pool as unknown as { spawn: () => unknown }, "spawn");
    try {
      const answers = [pool.solve(ask()), pool.solve(ask())].map((solve) => expect(solve).rejects.toThrow("Cannot find module"));
      await Promise.all(answers);
      expect(spawned).toHaveBeenCalledTimes(2);
      expect(pool.workers).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("refuses the problems waiting when it closes, and any after", async () => {
    const pool = new PlanSolverPool(1);
    const waiting = [pool.solve(ask()), pool.solve(ask())].map((solve) => expect(solve).rejects.toThrow("The planner's solver pool is closed."));
    await pool.close();
    await Promise.all(waiting);
    await expect(pool.solve(ask())).rejects.toThrow("The planner's solver pool is closed.");
  });
});
