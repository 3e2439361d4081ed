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
import { dayStart } from "./report-facts.queries";

export interface BudgetForecastRecord {
  weeklySpendPence: number;
  projectedSpendPence: number;
  projectedSurplusPence: number;
}

/**
 * The forecast of every budget (bu) that `budgetFilter` keeps, as a relation (budget_id, weekly,
 * extra): `weekly` the recent weekly rate, `extra` the projected uncommitted spend. Set-wise, so
 * that a report over thousands of budgets joins it instead of asking per budget. It reads only
 * the visits delivered in the four weeks before today and those scheduled from a week ago (one
 * scheduled earlier commits no week after yesterday), and compares instants with the London days'
 * starts: visits are filtered by an index's own column, and only a budget's last scheduled visit
 * is turned into a London day.
 */
export function forecastRows(budgetFilter: string, today: string): string {
  const t = `${today}::date`;
  const from = `greatest(bu.period_start, ${t} - 28)`;
  const to = `least(${t}, bu.period_end + 1)`;
  return `(
      WITH fbu AS MATERIALIZED (
        SELECT bu.id, w.from_day, w.to_day, ${dayStart("w.from_day")} AS from_at, ${dayStart("w.to_day")} AS to_at, bu.period_end
        FROM budgets bu CROSS JOIN LATERAL (SELECT ${from} AS from_day, ${to} AS to_day) w WHERE ${budgetFilter}),
      recent AS (
        SELECT fb.budget_id, sum(v.cost_pence) AS spend
        FROM fbu JOIN bookings fb ON fb.budget_id = fbu.id
        JOIN visits v ON v.booking_id = fb.id AND v.status = 'DELIVERED'
             AND v.starts_at >= ${dayStart(`${t} - 28`)} AND v.starts_at < ${dayStart(t)}
             AND v.starts_at >= fbu.from_at AND v.starts_at < fbu.to_at
        GROUP BY fb.budget_id),
      scheduled AS (
        SELECT fb.budget_id, max(v.starts_at) AS last_at
        FROM fbu JOIN bookings fb ON fb.budget_id = fbu.id
        JOIN visits v ON v.booking_id = fb.id AND v.status = 'SCHEDULED' AND v.starts_at >= ${dayStart(`${t} - 7`)}
        GROUP BY fb.budget_id)
      SELECT f.id AS budget_id,
             CASE WHEN f.days > 0 THEN round(f.spend * 7.0 / f.days)::bigint ELSE 0 END AS weekly,
             CASE WHEN f.days > 0 THEN round(f.spend::numeric * f.uncommitted / f.days)::bigint ELSE 0 END AS extra
      FROM (SELECT fbu.id, greatest(fbu.to_day - fbu.from_day, 0) AS days, coalesce(r.spend, 0) AS spend,
                   greatest(fbu.period_end - greatest((s.last_at AT TIME ZONE 'Europe/London')::date + 6, ${t} - 1), 0) AS uncommitted
            FROM fbu LEFT JOIN recent r ON r.budget_id = fbu.id LEFT JOIN scheduled s ON s.budget_id = fbu.id) f
    )`;
}

/** What is available now, on the budget row (bu): DOMAIN.md's `available`. */
export const AVAILABLE_SQL = "(bu.allocated_pence - bu.committed_pence - bu.spent_pence - bu.returned_pence - bu.reclaimed_pence - bu.carried_forward_pence)";

/** Many budgets' forecasts in one statement; closed budgets have none. */
export async function forecastsOf(db: DataSource, budgetIds: readonly string[], today: string): Promise<(BudgetForecastRecord | null)[]> {
  const rows: { id: string; open: boolean; weekly: string; spend: string; surplus: string }[] = await db.query(
    `SELECT bu.id, bu.status = 'OPEN' AS open, fc.weekly, bu.spent_pence + bu.committed_pence + fc.extra AS spend, ${AVAILABLE_SQL} - fc.extra AS surplus
     FROM budgets bu JOIN ${forecastRows("bu.id = ANY($1::uuid[])", "$2")} fc ON fc.budget_id = bu.id`,
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
