/**
 * The request context as the pricing module's resolvers see it: the auth module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { AuthContext } from "../auth";
import type { PricingLoaders } from "./pricing.loaders";
import type { ReferenceRateService } from "./reference-rate.service";

export interface PricingServices {
  rates: ReferenceRateService;
}

export type Context = Extend<AuthContext, PricingServices, PricingLoaders>;
