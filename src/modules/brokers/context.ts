/**
 * The request context as the brokers module's resolvers see it: the quotes module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { QuotesContext } from "../quotes";
import type { PackageLoaders } from "./package.loaders";
import type { PackageService } from "./package.service";
import type { PlanService } from "./plan.service";

export interface BrokersServices {
  packages: PackageService;
  plans: PlanService;
}

export type Context = Extend<QuotesContext, BrokersServices, PackageLoaders>;
