import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { efficiencyOfBudgets } from "./report.queries";
import type { EfficiencyMeasures } from "./report.types";

export function createReportLoaders(db: DataSource) {
  return {
    efficiencyOfBudget: new DataLoader<string, EfficiencyMeasures>((ids) => efficiencyOfBudgets(db, ids)),
  };
}

export type ReportLoaders = ReturnType<typeof createReportLoaders>;
