/** Bookings and their visits: commitments of budget money, overlaps refused by the database. */
import type { Context } from "../../context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { BookingEntity } from "./booking.entity";
import { BookingFields, BookingMutations, BookingQueries, LedgerEntryBookingField, VisitFields } from "./booking.resolver";
import { GroupBookingEntity } from "./group-booking.entity";
import { BookingGroupField, GroupBookingFields, GroupBookingMutations, GroupBookingQueries, GroupParticipantFields } from "./group-booking.resolver";
import { VisitEntity } from "./visit.entity";

export { BookingEntity } from "./booking.entity";
export { VisitEntity } from "./visit.entity";
export { GroupBookingEntity } from "./group-booking.entity";
export { GroupBookingService } from "./group-booking.service";
export * from "./booking.enums";
export { Booking, Visit } from "./booking.types";
export { BookingService, type BookingRequest } from "./booking.service";
export { VisitService } from "./visit.service";
export { createBookingLoaders, type BookingLoaders } from "./booking.loaders";
export { visitStarts } from "./schedule.rules";
export { isFinalStatus as isFinalBookingStatus } from "./booking.rules";

export const bookingsModule = {
  entities: [BookingEntity, VisitEntity, GroupBookingEntity],
  resolvers: [
    BookingQueries,
    BookingMutations,
    BookingFields,
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
