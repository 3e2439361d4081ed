/**
 * The request context as the listings module's resolvers see it: the events module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { EventsContext } from "../events";
import type { ListingLoaders } from "./listing.loaders";
import type { ListingService } from "./listing.service";

export interface ListingsServices {
  listings: ListingService;
}

export type Context = Extend<EventsContext, ListingsServices, ListingLoaders>;
