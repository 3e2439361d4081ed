/**
 * The request context as the quotes module's resolvers see it: the bookings module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { BookingsContext } from "../bookings";
import type { QuoteLoaders } from "./quote.loaders";
import type { QuoteService } from "./quote.service";

export interface QuotesServices {
  quotes: QuoteService;
}

export type Context = Extend<BookingsContext, QuotesServices, QuoteLoaders>;
