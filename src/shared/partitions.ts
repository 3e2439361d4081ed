/**
 * The months of the partitioned tables (migration MonthlyPartitions): `visits` by the London month
 * of their start, `ledger_entries` by that of their entry. A row whose month has no partition lands
 * in the table's default partition, which is correct but no longer archived a month at a time; so
 * the partitions job creates each month before rows can need it: `PARTITION_MONTHS_AHEAD` (a year)
 * for both tables, and for visits to the end of the latest open budget period (visits are placed
 * within their budget's period).
 */
import type { DataSource } from "typeorm";
import { pgError } from "./db";
import { addMonths } from "./time";

/** A budget period years away is a mistake more often than a plan: its visits stay in the default partition. */
const MONTHS_AHEAD_AT_MOST = 60;

/** Waits no longer than this for the parent's lock, which a long report can hold; the next run tries again. */
const LOCK_TIMEOUT = "2s";

const JOB_LOCK = "partitions job";

const PARTITIONED = ["visits", "ledger_entries"] as const;

export interface MonthsCreated {
  /** The partitions created, as parent_YYYY_MM. */
  created: string[];
  /** Months that could not be created this time, and why (rows that cannot move out of the default partition, a lock not granted). */
  refused: { partition: string; reason: string }[];
}

/**
 * Creates the missing months from that of `from` (a London day) on, each in its own transaction,
 * so one refused month does not undo the others. Safe on several processes at once: one works,
 * under an advisory lock, and the others find the months made.
 */
export async function createMonthsAhead(db: DataSource, from: string, monthsAhead: number): Promise<MonthsCreated> {
  const result: MonthsCreated = { created: [], refused: [] };
  const first = `${from.slice(0, 7)}-01`;
  const [{ last_period_end: lastPeriodEnd }]: { last_period_end: string | null }[] = await db.query(
    "SELECT max(period_end)::text AS last_period_end FROM budgets WHERE status = 'OPEN'",
  );
  const visitsMonths = Math.min(MONTHS_AHEAD_AT_MOST, Math.max(monthsAhead, monthsBetween(first, lastPeriodEnd ?? first)));
  for (const [table, months] of [
    ["visits", visitsMonths],
    ["ledger_entries", monthsAhead],
  ] as const) {
    for (let i = 0; i <= months; i++) {
      const month = addMonths(first, i);
      const partition = `${table}_${month.slice(0, 4)}_${month.slice(5, 7)}`;
      try {
        const created = await db.transaction(async (tx) => {
          await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [JOB_LOCK]);
          const [row]: { name: string | null }[] = await tx.query("SELECT month_partition($1, $2::date) AS name", [table, month]);
          return row.name;
        });
        if (created) result.created.push(created);
      } catch (error) {
        if (!pgError(error)) throw error;
        result.refused.push({ partition, reason: (error as Error).message });
      }
    }
  }
  return result;
}

/**
 * The partitioned tables' statistics as a whole. Autovacuum analyzes each month but never a
 * partitioned parent, whose statistics the planner reads for joins through it; so the job does.
 */
export async function analyzeParents(db: DataSource): Promise<void> {
  await db.query(`ANALYZE ${PARTITIONED.join(", ")}`);
}

/** Whole months from the month of `from` to that of `to` (both YYYY-MM-DD); 0 when `to` is earlier. */
function monthsBetween(from: string, to: string): number {
  const months = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
  return Math.max(0, months);
}
