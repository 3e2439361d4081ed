/** SQL of placing a booking, too long to sit in the service. */
import type { EntityManager } from "typeorm";
import type { Stay } from "./care-home.rules";

/**
 * A listing's booked units per London week (Monday, "YYYY-MM-DD") from $2 to before $3: its
 * bookings' scheduled and delivered visits, a group session's (one per participant, same start) once.
 */
export const BOOKED_UNITS_BY_WEEK = `
  SELECT s.week, SUM(s.units)::text AS units FROM (
    SELECT DISTINCT ON (COALESCE(b.group_booking_id, b.id), v.starts_at)
           to_char(date_trunc('week', v.starts_at AT TIME ZONE 'Europe/London'), 'YYYY-MM-DD') AS week, v.units
      FROM visits v JOIN bookings b ON b.id = v.booking_id
     WHERE b.listing_id = $1 AND v.status IN ('SCHEDULED', 'DELIVERED')
       AND v.starts_at >= ($2::date::timestamp AT TIME ZONE 'Europe/London') AND v.starts_at < ($3::date::timestamp AT TIME ZONE 'Europe/London')
     ORDER BY COALESCE(b.group_booking_id, b.id), v.starts_at
  ) s GROUP BY s.week`;

/**
 * The client's care-home stays paid by direct payment (care-home.rules.ts isCareHomePlace, in SQL)
 * that end after $2 and start before $3: the scheduled and delivered visits of their bookings.
 */
const CARE_HOME_STAYS = `
  SELECT v.starts_at AS "startsAt", v.ends_at AS "endsAt"
    FROM visits v
    JOIN bookings b ON b.id = v.booking_id
    JOIN budgets bu ON bu.id = b.budget_id
    JOIN listings l ON l.id = b.listing_id
   WHERE b.client_id = $1 AND bu.management = 'DIRECT_PAYMENT'
     AND (l.category_code = 'RESIDENTIAL_CARE' OR (l.category_code = 'NURSING' AND l.setting = 'CARE_HOME'))
     AND v.status IN ('SCHEDULED', 'DELIVERED') AND v.ends_at > $2 AND v.starts_at < $3
   ORDER BY v.starts_at`;

/**
 * The client's direct-payment care-home stays from `from` to `to`, read after taking the client's
 * care-home lock (a transaction-level advisory lock, released at commit): two bookings of stays
 * for one client, even from two budgets, take turns, so they cannot together pass reg. 8's four
 * weeks. Taken only by such a booking, after its budget's lock (the lock order above BudgetService.lock).
 */
export async function lockedCareHomeStays(tx: EntityManager, clientId: string, from: Date, to: Date): Promise<Stay[]> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('marketplace:care-home-stays:' || $1::text, 0))", [clientId]);
  const rows: { startsAt: Date; endsAt: Date }[] = await tx.query(CARE_HOME_STAYS, [clientId, from, to]);
  return rows.map((r) => ({ startsAt: new Date(r.startsAt), endsAt: new Date(r.endsAt) }));
}
