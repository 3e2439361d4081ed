/** Reports for commissioners: the efficiency report, each budget's efficiency, the price distribution, market gaps. */
import type { Context } from "./context";
import type { NodeFetcher } from "../../shared/ids";
import { BudgetEfficiencyField, ReportQueries } from "./report.resolver";

export {
  ReportService,
  type DistributionRecord,
  type EfficiencyReportRecord,
  type EfficiencyRowRecord,
  type MarketGapsRecord,
  type PriceBandRecord,
  type PriceDistributionRecord,
} from "./report.service";
export type { EfficiencyQuery, MarketGapsQuery, PriceDistributionQuery } from "./report.commands";
export type { EfficiencyGroupRecord, EfficiencyMeasuresRecord } from "./report.queries";
export { ReportDimension } from "./report.enums";
export { createReportLoaders, type ReportLoaders } from "./report.loaders";
export { efficiencyCsv, marketGapsCsv } from "./report.http";
export type { MarketGapRecord } from "./market-gaps.queries";
export type { Context as ReportsContext, ReportsServices } from "./context";

export const reportsModule = {
  entities: [],
  resolvers: [ReportQueries, BudgetEfficiencyField],
  nodes: {} satisfies Record<string, NodeFetcher<Context>>,
};
