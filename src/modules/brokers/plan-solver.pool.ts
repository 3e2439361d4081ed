/**
 * planPackage's per-candidate work off the event loop: scheduling each candidate, the problem and
 * HiGHS's solve run in a pool of worker threads (PLANNER_WORKERS, src/config.ts) on what the plan
 * read (PlanAsk), so a broker's plan does not hold up every other request while it searches. Each
 * worker solves one problem at a time (HiGHS keeps its own time limit, SOLVER_SECONDS a solve);
 * one that has not answered by the pool's deadline is ended and replaced, and its caller told.
 * Workers start when problems come (up to the pool's size) and take them once loaded; one left
 * idle for IDLE_MS ends, so a process that is not planning holds no solver (a worker with HiGHS
 * loaded is some 30–60 MB). Problems wait in order when every worker is busy.
 */
import { Worker } from "node:worker_threads";
import path from "node:path";
import type { PlanService } from "./plan.service";
import { SOLVER_SECONDS } from "./plan.rules";

export type SolveArgs = Parameters<PlanService["solveProblem"]>;
export type SolveResult = Awaited<ReturnType<PlanService["solveProblem"]>>;

/** A plan tries at most a handful of solves (cost, fewest providers, without the budget). */
const DEADLINE_MS = 4 * SOLVER_SECONDS * 1000 + 5_000;
/** A worker with no problem for this long ends; the next plan starts another (0.7–1 s compiled, loading HiGHS). */
const IDLE_MS = 5 * 60_000;

interface Task {
  args: SolveArgs;
  resolve: (result: SolveResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded (its first message): only then does it take problems, and the deadline count. */
  ready: boolean;
  task: Task | null;
  /** The deadline of its task, or the end of its idleness. */
  timer: NodeJS.Timeout | null;
}

export class PlanSolverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly deadlineMs = DEADLINE_MS,
    private readonly idleMs = IDLE_MS,
    /** The worker's script: by default the one beside this file. */
    private readonly script = workerScript(),
  ) {}

  /** Workers running or starting. */
  get workers(): number {
    return this.slots.length;
  }

  solve(...args: SolveArgs): Promise<SolveResult> {
    if (this.closed) return Promise.reject(new Error("The planner's solver pool is closed."));
    return new Promise((resolve, reject) => {
      this.queue.push({ args, resolve, reject });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error("The planner's solver pool is closed."));
    await Promise.all(this.slots.map((slot) => this.finish(slot, new Error("The planner's solver pool is closed."))));
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { execArgv: this.script.endsWith(".ts") ? ["-r", "ts-node/register/transpile-only"] : [] });
    worker.unref();
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    worker.on("message", (message: { ready?: true; result?: SolveResult; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        return this.next();
      }
      const task = this.release(slot);
      if (message.error !== undefined) task?.reject(new Error(message.error));
      else task?.resolve(revived(message.result!));
      this.next();
    });
    worker.on("error", (error) => void this.replace(slot, error));
    worker.on("exit", (code) => {
      if (!this.closed && this.slots.includes(slot)) void this.replace(slot, new Error(`The planner's solver stopped (exit code ${code}).`));
    });
    return slot;
  }

  /** Gives waiting problems to loaded idle workers, starts one more while problems outnumber the workers starting (up to the size), and lets idle ones time out. */
  private next(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task !== null) continue;
      const task = this.queue.shift();
      if (task) this.assign(slot, task);
      else slot.timer ??= setTimeout(() => void this.retire(slot), this.idleMs).unref();
    }
    const starting = this.slots.filter((s) => !s.ready).length;
    if (!this.closed && this.queue.length > starting && this.slots.length < this.size) this.slots.push(this.spawn());
  }

  private assign(slot: Slot, task: Task): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = task;
    slot.timer = setTimeout(() => void this.replace(slot, new Error(`The planner took longer than ${this.deadlineMs / 1000} s.`)), this.deadlineMs);
    slot.worker.ref();
    slot.worker.postMessage(task.args);
  }

  private release(slot: Slot): Task | null {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = null;
    slot.timer = null;
    slot.worker.unref();
    return task;
  }

  private async finish(slot: Slot, error: Error): Promise<void> {
    this.release(slot)?.reject(error);
    await slot.worker.terminate();
  }

  /**
   * Ends a worker that failed or overran and tells its caller; another starts if problems wait.
   * One that failed before it loaded answers the first waiting problem (the one it was started
   * for) with its error, so a worker that cannot load is not started again and again while a plan waits.
   */
  private async replace(slot: Slot, error: Error): Promise<void> {
    if (!this.remove(slot)) return;
    if (!slot.ready) this.queue.shift()?.reject(error);
    await this.finish(slot, error);
    this.next();
  }

  /** Ends a worker left idle for idleMs. */
  private async retire(slot: Slot): Promise<void> {
    if (slot.task === null && this.remove(slot)) await slot.worker.terminate();
  }

  /** Takes a worker out of the pool; false if it was out already. */
  private remove(slot: Slot): boolean {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    return index >= 0;
  }
}

/** Compiled, the worker is JavaScript beside this file; under ts-node or jest it is TypeScript. */
function workerScript(): string {
  return path.join(__dirname, `plan-solver.worker${__filename.endsWith(".ts") ? ".ts" : ".js"}`);
}

/**
 * A plan as the worker sent it, its dates made this realm's: structured cloning gives the main
 * context's Date, which is not the Date of a VM context (jest's), and GraphQL's DateTime asks
 * `instanceof Date`.
 */
function revived(result: SolveResult): SolveResult {
  return { ...result, items: result.items.map((item) => ({ ...item, schedule: { ...item.schedule, startsAt: new Date(item.schedule.startsAt.getTime()) } })) };
}
