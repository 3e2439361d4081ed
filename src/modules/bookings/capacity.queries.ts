/** Capacity read in SQL: what is booked of listings, by London week. */

/**
 * Each listing's busiest London week from $2 to before $3 (days): the most units its bookings'
 * scheduled and delivered visits take in one week (a group session's, one row per participant
 * at the same start, once). Listings with nothing booked are absent.
 */
export const PEAK_BOOKED_UNITS = `
  SELECT w.listing_id, MAX(w.units)::text AS units FROM (
    SELECT s.listing_id, s.week, SUM(s.units) AS units FROM (
      SELECT DISTINCT ON (COALESCE(b.group_booking_id, b.id), v.starts_at)
             b.listing_id, date_trunc('week', v.starts_at AT TIME ZONE 'Europe/London') AS week, v.units
        FROM visits v JOIN bookings b ON b.id = v.booking_id
       WHERE b.listing_id IN (SELECT unnest($1::uuid[])) AND v.status IN ('SCHEDULED', 'DELIVERED')
         AND v.starts_at >= ($2::date::timestamp AT TIME ZONE 'Europe/London') AND v.starts_at < ($3::date::timestamp AT TIME ZONE 'Europe/London')
       ORDER BY COALESCE(b.group_booking_id, b.id), v.starts_at
    ) s GROUP BY s.listing_id, s.week
  ) w GROUP BY w.listing_id`;
