/**
 * The request context as the reports module's resolvers see it: the settlement module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { SettlementContext } from "../settlement";
import type { ReportLoaders } from "./report.loaders";
import type { ReportService } from "./report.service";

export interface ReportsServices {
  reports: ReportService;
}

export type Context = Extend<SettlementContext, ReportsServices, ReportLoaders>;
