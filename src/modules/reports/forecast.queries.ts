/**
 * An open budget's forecast to its period's end (DOMAIN.md, "Forecasts"), as SQL over a budget row
 * (bu) and a London day (today), so that the Budget field and the efficiency report read one definition.
 * - Recent rate: the delivered visits' cost over the four complete weeks before today (the 28 days
 *   before it, clipped to the period), as a weekly figure.
 * - Committed weeks: a scheduled visit commits its week (its day and the six after), so the weeks up to
 *   the last scheduled visit's are already in `committed` and are not projected again.
 * - Uncommitted days: from the day after the later of yesterday and the committed weeks' end, to periodEnd.
 * - Projected spend = spent + committed + the recent rate over the uncommitted days;
 *   projected surplus = available − the recent rate over the uncommitted days (negative: an overspend ahead).
 */
import DataLoader from "dataloader";
import type { DataSource } from "typeorm";

export interface BudgetForecastRecord {
  weeklySpendPence: number;
  projectedSpendPence: number;
  projectedSurplusPence: number;
}

const DAY = "(v.starts_at AT TIME ZONE 'Europe/London')::date";

/** A LATERAL subquery (alias `fc`) giving `weekly` (the recent weekly rate) and `extra` (the projected uncommitted spend). */
export function forecastLateral(today: string): string {
  const t = `${today}::date`;
  const from = `greatest(bu.period_start, ${t} - 28)`;
  const to = `least(${t}, bu.period_end + 1)`;
  const visitsOf = "FROM bookings fb JOIN visits v ON v.booking_id = fb.id WHERE fb.budget_id = bu.id";
  return `LATERAL (
      SELECT CASE WHEN f.days > 0 THEN round(f.spend * 7.0 / f.days)::bigint ELSE 0 END AS weekly,
             CASE WHEN f.days > 0 THEN round(f.spend::numeric * f.uncommitted / f.days)::bigint ELSE 0 END AS extra
      FROM (SELECT greatest(${to} - ${from}, 0) AS days,
                   (SELECT coalesce(sum(v.cost_pence), 0) ${visitsOf} AND v.status = 'DELIVERED' AND ${DAY} >= ${from} AND ${DAY} < ${to}) AS spend,
                   greatest(bu.period_end - greatest((SELECT max(${DAY}) + 6 ${visitsOf} AND v.status = 'SCHEDULED'), ${t} - 1), 0) AS uncommitted) f
    ) fc`;
}

/** What is available now, on the budget row (bu): DOMAIN.md's `available`. */
export const AVAILABLE_SQL = "(bu.allocated_pence - bu.committed_pence - bu.spent_pence - bu.returned_pence - bu.reclaimed_pence - bu.carried_forward_pence)";

/** Many budgets' forecasts in one statement; closed budgets have none. */
export async function forecastsOf(db: DataSource, budgetIds: readonly string[], today: string): Promise<(BudgetForecastRecord | null)[]> {
  const rows: { id: string; open: boolean; weekly: string; spend: string; surplus: string }[] = await db.query(
    `SELECT bu.id, bu.status = 'OPEN' AS open, fc.weekly, bu.spent_pence + bu.committed_pence + fc.extra AS spend, ${AVAILABLE_SQL} - fc.extra AS surplus
     FROM budgets bu, ${forecastLateral("$2")} WHERE bu.id = ANY($1::uuid[])`,
    [[...budgetIds], today],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return budgetIds.map((id) => {
    const r = byId.get(id);
    return r?.open ? { weeklySpendPence: Number(r.weekly), projectedSpendPence: Number(r.spend), projectedSurplusPence: Number(r.surplus) } : null;
  });
}

/** A budget on a day: the key of the per-day loaders (the day comes from the app's clock, per request). */
export interface BudgetOnDay {
  budgetId: string;
  today: string;
}

/** A DataLoader over (budget, day) keys that batches each day's budgets into one call. */
export function loaderOnDay<T>(load: (ids: readonly string[], today: string) => Promise<T[]>): DataLoader<BudgetOnDay, T, string> {
  return new DataLoader<BudgetOnDay, T, string>(
    async (keys) => {
      const days = [...new Set(keys.map((k) => k.today))];
      const results = new Map<string, T>();
      for (const today of days) {
        const ids = keys.filter((k) => k.today === today).map((k) => k.budgetId);
        (await load(ids, today)).forEach((value, i) => results.set(`${ids[i]}@${today}`, value));
      }
      return keys.map((k) => results.get(`${k.budgetId}@${k.today}`)!);
    },
    { cacheKeyFn: (k) => `${k.budgetId}@${k.today}` },
  );
}
