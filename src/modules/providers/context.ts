/**
 * The request context as the providers module's resolvers see it: the pricing module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { PricingContext } from "../pricing";
import type { ProviderLoaders } from "./provider.loaders";
import type { CqcRegisterService } from "./cqc-register.service";
import type { ProviderVerificationService } from "./provider-verification.service";
import type { ProviderService } from "./provider.service";

export interface ProvidersServices {
  providers: ProviderService;
  verifications: ProviderVerificationService;
  cqcRegister: CqcRegisterService;
}

export type Context = Extend<PricingContext, ProvidersServices, ProviderLoaders>;
