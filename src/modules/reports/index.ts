/** Reports for commissioners: the efficiency report, each budget's efficiency, the price distribution. */
import type { Context } from "./context";
import type { NodeFetcher } from "../../shared/ids";
import { BudgetEfficiencyField, ReportQueries } from "./report.resolver";

export { ReportService } from "./report.service";
export { ReportDimension } from "./report.enums";
export { createReportLoaders, type ReportLoaders } from "./report.loaders";
export { efficiencyCsv } from "./report.http";
export type { Context as ReportsContext, ReportsServices } from "./context";

export const reportsModule = {
  entities: [],
  resolvers: [ReportQueries, BudgetEfficiencyField],
  nodes: {} satisfies Record<string, NodeFetcher<Context>>,
};
