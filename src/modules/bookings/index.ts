/** Bookings and their visits: commitments of budget money, overlaps refused by the database. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { BookingEntity } from "./booking.entity";
import { BookingFields, BookingMoneyFields, BookingMutations, BookingQueries, LedgerEntryBookingField, VisitFields } from "./booking.resolver";
import { GroupBookingEntity } from "./group-booking.entity";
import { BookingGroupField, GroupBookingFields, GroupBookingMutations, GroupBookingQueries, GroupParticipantFields } from "./group-booking.resolver";
import { VisitEntity } from "./visit.entity";

export type { BookingView, GroupBookingView, VisitView } from "./booking.models";
export { GroupBookingService } from "./group-booking.service";
export * from "./booking.enums";
export { Booking, Visit } from "./booking.types";
/** Verbs: create, book(tx), prepare(tx), place(tx), confirm… cancelWithin(tx), findVisible, isVisibleTo, list. */
export { BookingService } from "./booking.service";
export type { PreparedBooking } from "./booking-placement.service";
export type * from "./booking.commands";
export { VisitService } from "./visit.service";
export { DeliveryPricing } from "./delivery-pricing";
export { createBookingLoaders, type BookingLoaders } from "./booking.loaders";
export { groupSchedule, scheduleFields, scheduleOf, visitMinutes, visitStarts, type Schedule } from "./schedule.rules";
export { isFinalStatus as isFinalBookingStatus } from "./booking.rules";
export type { Context as BookingsContext, BookingsServices } from "./context";

export const bookingsModule = {
  entities: [BookingEntity, VisitEntity, GroupBookingEntity],
  resolvers: [
    BookingQueries,
    BookingMutations,
    BookingFields,
    BookingMoneyFields,
    VisitFields,
    LedgerEntryBookingField,
    GroupBookingQueries,
    GroupBookingMutations,
    GroupBookingFields,
    GroupParticipantFields,
    BookingGroupField,
  ],
  nodes: {
    Booking: async (id, { viewer, services }) => (isUuid(id) ? ((await services.bookings.findVisible(viewer, id))?.booking ?? null) : null),
    Visit: async (id, { viewer, services, loaders }) => {
      const visit = isUuid(id) ? await loaders.visitById.load(id) : null;
      return visit && (await services.bookings.findVisible(viewer, visit.bookingId)) ? visit : null;
    },
    GroupBooking: async (id, { viewer, services }) => (isUuid(id) ? services.groupBookings.findVisible(viewer, id) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
