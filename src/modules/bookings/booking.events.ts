/**
 * The events bookings record (events.record in the booking's own transaction): what the body's
 * `data` carries (global ids, no personal data, no budget figures) and who may hear it.
 */
import { toGlobalId } from "../../shared/ids";
import { EventType, type NewEvent } from "../events";
import type { BookingEntity } from "./booking.entity";
import { BookingStatus } from "./booking.enums";
import type { VisitEntity } from "./visit.entity";

const TYPE_OF_STATUS: Partial<Record<BookingStatus, EventType>> = {
  [BookingStatus.PENDING_APPROVAL]: EventType.BOOKING_REQUESTED,
  [BookingStatus.REQUESTED]: EventType.BOOKING_REQUESTED,
  [BookingStatus.CONFIRMED]: EventType.BOOKING_CONFIRMED,
  [BookingStatus.DECLINED]: EventType.BOOKING_CANCELLED,
  [BookingStatus.CANCELLED]: EventType.BOOKING_CANCELLED,
};

/** The event of a booking reaching its status (null: one nobody is told of, COMPLETED). */
export function bookingEvent(booking: BookingEntity, client: { fundingBodyCode: string }): NewEvent | null {
  const type = TYPE_OF_STATUS[booking.status];
  if (!type) return null;
  return {
    type,
    data: {
      bookingId: toGlobalId("Booking", booking.id),
      listingId: toGlobalId("Listing", booking.listingId),
      providerId: toGlobalId("Provider", booking.providerId),
      status: booking.status,
      startsAt: booking.startsAt.toISOString(),
    },
    audience: { providerId: booking.providerId, clientId: booking.clientId, fundingBodyCode: client.fundingBodyCode },
  };
}

/** VISIT_RECORDED: a visit of `booking` recorded as delivered or missed. */
export function visitRecorded(visit: VisitEntity, booking: BookingEntity, fundingBodyCode: string): NewEvent {
  return {
    type: EventType.VISIT_RECORDED,
    data: {
      visitId: toGlobalId("Visit", visit.id),
      bookingId: toGlobalId("Booking", booking.id),
      providerId: toGlobalId("Provider", booking.providerId),
      status: visit.status,
      startsAt: visit.startsAt.toISOString(),
    },
    audience: { providerId: booking.providerId, clientId: booking.clientId, fundingBodyCode },
  };
}
