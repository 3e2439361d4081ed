/**
 * The request context as the bookings module's resolvers see it: the budgets module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { BudgetsContext } from "../budgets";
import type { BookingLoaders } from "./booking.loaders";
import type { BookingService } from "./booking.service";
import type { GroupBookingService } from "./group-booking.service";
import type { VisitService } from "./visit.service";

export interface BookingsServices {
  bookings: BookingService;
  groupBookings: GroupBookingService;
  visits: VisitService;
}

export type Context = Extend<BudgetsContext, BookingsServices, BookingLoaders>;
