/** What other modules see of bookings: read models, never the entities themselves. */
import type { BookingEntity } from "./booking.entity";
import type { GroupBookingEntity } from "./group-booking.entity";
import type { VisitEntity } from "./visit.entity";

/** A booking as it is now, for display. */
export type BookingView = Readonly<BookingEntity>;

/** One visit of a booking. */
export type VisitView = Readonly<VisitEntity>;

/** A care-home group session and its participants' bookings. */
export type GroupBookingView = Readonly<GroupBookingEntity>;
