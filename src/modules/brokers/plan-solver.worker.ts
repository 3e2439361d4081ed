/**
 * A worker thread of PlanSolverPool: plans from what planPackage read (schedules, problem, HiGHS
 * compiled once per worker) and answers each with its plan, or the error's message.
 */
import "reflect-metadata";
import { parentPort } from "node:worker_threads";
import type { SolveArgs } from "./plan-solver.pool";
import { PlanService } from "./plan.service";

// The solve reads nothing but its problem: no database, services or clock in this thread.
const planner = PlanService.solverOnly();

parentPort!.on("message", (args: SolveArgs) => {
  planner.solveProblem(...args).then(
    (result) => parentPort!.postMessage({ result }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
});
parentPort!.postMessage({ ready: true });
