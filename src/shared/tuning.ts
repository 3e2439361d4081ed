/**
 * The performance measures of issue #15, each one switchable so that `npm run bench --variants`
 * can measure what it pays alone (API_TUNING, read by src/config.ts): unset, every measure is on;
 * "none", every one is off; "-jit,-http", every one but those; "jit,http", only those. Behaviour is
 * the same either way: only the speed differs. Set once at start (createApp), read where each
 * measure lives.
 */
export const TUNINGS = {
  http: "answers written by one res.end without Express's send (no ETag hashing, one write)",
  jit: "graphql-jit compiles each operation, behind Apollo's executor hook; graphql-js for what it cannot compile",
  lazyLoaders: "a request's DataLoaders created on first use, module by module",
  rawLoaders: "loaders by key read through one prepared statement and a cheap hydrator, not TypeORM's find",
} as const;

export type Tuning = keyof typeof TUNINGS;

const ALL = Object.keys(TUNINGS) as Tuning[];

/** The measures that API_TUNING turns on, or a problem naming the unknown ones. */
export function parseTuning(raw: string | undefined): { tunings: Set<Tuning>; problem: string | null } {
  const value = (raw ?? "").trim();
  if (value === "" || value === "all") return { tunings: new Set(ALL), problem: null };
  if (value === "none") return { tunings: new Set(), problem: null };
  const parts = value.split(",").map((p) => p.trim());
  const names = parts.map((p) => p.replace(/^-/, ""));
  const unknown = names.filter((n) => !(ALL as string[]).includes(n));
  if (unknown.length > 0)
    return { tunings: new Set(ALL), problem: `API_TUNING names ${ALL.join(", ")} (or all, none; "-name" to leave one out), not "${unknown.join('", "')}".` };
  const removing = parts.every((p) => p.startsWith("-"));
  const tunings = new Set<Tuning>(removing ? ALL.filter((t) => !names.includes(t)) : (names as Tuning[]));
  return { tunings, problem: null };
}

let current: ReadonlySet<Tuning> = new Set(ALL);

export function setTuning(tunings: ReadonlySet<Tuning>): void {
  current = tunings;
}

export function tuned(tuning: Tuning): boolean {
  return current.has(tuning);
}
