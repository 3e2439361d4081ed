/**
 * The request context as the listings module's resolvers see it: the events module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { EventsContext } from "../events";
import type { ListingLoaders } from "./listing.loaders";
import type { ListingService } from "./listing.service";
import type { OpenReferralService } from "./openreferral.service";

export interface ListingsServices {
  listings: ListingService;
  /** The Open Referral UK feed (HTTP only, src/modules/listings/openreferral.http.ts). */
  openReferral: OpenReferralService;
}

export type Context = Extend<EventsContext, ListingsServices, ListingLoaders>;
