import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { loaderByForeignKey, loaderByKey, pagesByParent } from "../../shared/loaders";
import { cursorIn, type Keyset } from "../../shared/pagination";
import { savingSql } from "../pricing";
import { BookingEntity } from "./booking.entity";
import { GroupBookingEntity } from "./group-booking.entity";
import { VisitEntity } from "./visit.entity";

/** A booking's money, summed over its visits ("active": scheduled or delivered). */
export interface VisitTotals {
  visits: number;
  /** Held by scheduled visits: their cost and earmarked savings. */
  committedPence: number;
  earmarkedPence: number;
  spentPence: number;
  /** Earmarked savings of delivered visits, handed back to the funder. */
  returnedPence: number;
  costPence: number;
  /** Over active visits that have a reference rate. */
  referenceCostPence: number;
  savingPence: number;
  visitsWithoutReference: number;
  belowMinimumPrice: boolean;
  firstReferenceRateId: string | null;
}

const NO_VISITS: VisitTotals = {
  visits: 0,
  committedPence: 0,
  earmarkedPence: 0,
  spentPence: 0,
  returnedPence: 0,
  costPence: 0,
  referenceCostPence: 0,
  savingPence: 0,
  visitsWithoutReference: 0,
  belowMinimumPrice: false,
  firstReferenceRateId: null,
};

/** A booking's visits in time order: the shared keyset, so a forged cursor is refused before SQL casts it. */
const VISITS_IN_TIME: Keyset<VisitEntity> = {
  name: "VISITS",
  keys: [
    { sql: "c.starts_at", cast: "timestamptz", of: (v) => v.startsAt.toISOString() },
    { sql: "c.id", cast: "uuid", of: (v) => v.id },
  ],
  direction: "ASC",
};

const ACTIVE = "status IN ('SCHEDULED', 'DELIVERED')";

export function visitCursor(visit: VisitEntity): string {
  return cursorIn(VISITS_IN_TIME, visit);
}

export function createBookingLoaders(db: DataSource) {
  const visitPages = pagesByParent(db.getRepository(VisitEntity), "bookingId", VISITS_IN_TIME);
  return {
    bookingById: loaderByKey(db.getRepository(BookingEntity), "id"),
    visitById: loaderByKey(db.getRepository(VisitEntity), "id"),
    groupBookingById: loaderByKey(db.getRepository(GroupBookingEntity), "id"),
    bookingsOfGroup: loaderByForeignKey(db.getRepository(BookingEntity), "groupBookingId"),

    /** Money held by each booking's visits: one grouped statement for a page of bookings. */
    visitTotalsOfBooking: new DataLoader<string, VisitTotals>(async (bookingIds) => {
      const rows: Record<string, string | number | boolean | null>[] = await db.query(
        `SELECT booking_id, count(*)::int AS visits,
                coalesce(sum(cost_pence + earmark_pence) FILTER (WHERE status = 'SCHEDULED'), 0)::int8 AS committed,
                coalesce(sum(earmark_pence) FILTER (WHERE status = 'SCHEDULED'), 0)::int8 AS earmarked,
                coalesce(sum(cost_pence) FILTER (WHERE status = 'DELIVERED'), 0)::int8 AS spent,
                coalesce(sum(earmark_pence) FILTER (WHERE status = 'DELIVERED'), 0)::int8 AS returned,
                coalesce(sum(cost_pence) FILTER (WHERE ${ACTIVE}), 0)::int8 AS cost,
                coalesce(sum(reference_cost_pence) FILTER (WHERE ${ACTIVE}), 0)::int8 AS reference,
                coalesce(sum(${savingSql("reference_cost_pence", "cost_pence")}) FILTER (WHERE ${ACTIVE}), 0)::int8 AS saving,
                count(*) FILTER (WHERE ${ACTIVE} AND reference_cost_pence IS NULL)::int AS without_reference,
                coalesce(bool_or(below_minimum_price) FILTER (WHERE ${ACTIVE}), false) AS below_minimum,
                (array_agg(reference_rate_id ORDER BY starts_at) FILTER (WHERE ${ACTIVE} AND reference_rate_id IS NOT NULL))[1] AS first_rate
         FROM visits WHERE booking_id = ANY($1::uuid[]) GROUP BY booking_id`,
        [bookingIds],
      );
      const byId = new Map(
        rows.map((r) => [
          r.booking_id as string,
          {
            visits: Number(r.visits),
            committedPence: Number(r.committed),
            earmarkedPence: Number(r.earmarked),
            spentPence: Number(r.spent),
            returnedPence: Number(r.returned),
            costPence: Number(r.cost),
            referenceCostPence: Number(r.reference),
            savingPence: Number(r.saving),
            visitsWithoutReference: Number(r.without_reference),
            belowMinimumPrice: Boolean(r.below_minimum),
            firstReferenceRateId: r.first_rate as string | null,
          },
        ]),
      );
      return bookingIds.map((id) => byId.get(id) ?? NO_VISITS);
    }),

    /** A page of each booking's visits in time order: one windowed statement per distinct arguments. */
    visitsOfBooking: (first: number, after: string | null) => visitPages({ first, after }),
  };
}

export type BookingLoaders = ReturnType<typeof createBookingLoaders>;
