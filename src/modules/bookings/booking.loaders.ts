import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { hydrator, selectColumns } from "../../shared/db";
import { groupedInKeyOrder, loaderByKey } from "../../shared/loaders";
import { decodeCursor, encodeCursor } from "../../shared/pagination";
import { BookingEntity } from "./booking.entity";
import { VisitEntity } from "./visit.entity";

export interface VisitTotals {
  scheduledPence: number;
  deliveredPence: number;
  totalPence: number;
  visits: number;
}

export const VISIT_ORDER = "VISITS";

export function visitCursor(visit: VisitEntity): string {
  return encodeCursor(VISIT_ORDER, [visit.startsAt.toISOString(), visit.id]);
}

export function createBookingLoaders(db: DataSource) {
  const pages = new Map<string, DataLoader<string, VisitEntity[]>>();
  return {
    bookingById: loaderByKey(db.getRepository(BookingEntity), "id"),
    visitById: loaderByKey(db.getRepository(VisitEntity), "id"),

    /** Money held by each booking's visits: one grouped statement for a page of bookings. */
    visitTotalsOfBooking: new DataLoader<string, VisitTotals>(async (bookingIds) => {
      const rows: { booking_id: string; scheduled: number; delivered: number; total: number; visits: number }[] = await db.query(
        `SELECT booking_id, count(*)::int AS visits,
                coalesce(sum(cost_pence) FILTER (WHERE status = 'SCHEDULED'), 0)::int8 AS scheduled,
                coalesce(sum(cost_pence) FILTER (WHERE status = 'DELIVERED'), 0)::int8 AS delivered,
                coalesce(sum(cost_pence) FILTER (WHERE status IN ('SCHEDULED', 'DELIVERED')), 0)::int8 AS total
         FROM visits WHERE booking_id = ANY($1::uuid[]) GROUP BY booking_id`,
        [bookingIds],
      );
      const byId = new Map(
        rows.map((r) => [r.booking_id, { scheduledPence: Number(r.scheduled), deliveredPence: Number(r.delivered), totalPence: Number(r.total), visits: r.visits }]),
      );
      return bookingIds.map((id) => byId.get(id) ?? { scheduledPence: 0, deliveredPence: 0, totalPence: 0, visits: 0 });
    }),

    /** A page of each booking's visits in time order: one windowed statement per distinct arguments. */
    visitsOfBooking(first: number, after: string | null): DataLoader<string, VisitEntity[]> {
      const key = `${first}:${after ?? ""}`;
      let loader = pages.get(key);
      if (!loader) {
        loader = new DataLoader((bookingIds) => visitPages(db, bookingIds, first, after));
        pages.set(key, loader);
      }
      return loader;
    },
  };
}

async function visitPages(db: DataSource, bookingIds: readonly string[], first: number, after: string | null): Promise<VisitEntity[][]> {
  const params: unknown[] = [bookingIds, first + 1];
  let keyset = "";
  if (after) {
    const [startsAt, id] = decodeCursor(after, VISIT_ORDER, 2);
    params.push(startsAt, id);
    keyset = "AND (v.starts_at, v.id) > ($3::timestamptz, $4::uuid)";
  }
  const metadata = db.getMetadata(VisitEntity);
  const rows: Record<string, unknown>[] = await db.query(
    `SELECT ${selectColumns(metadata, "v")} FROM (
       SELECT v.*, row_number() OVER (PARTITION BY v.booking_id ORDER BY v.starts_at, v.id) AS n
       FROM visits v WHERE v.booking_id = ANY($1::uuid[]) ${keyset}
     ) v WHERE v.n <= $2 ORDER BY v.starts_at, v.id`,
    params,
  );
  return groupedInKeyOrder(bookingIds, rows.map(hydrator<VisitEntity>(metadata, "v")), (v) => v.bookingId);
}

export type BookingLoaders = ReturnType<typeof createBookingLoaders>;
