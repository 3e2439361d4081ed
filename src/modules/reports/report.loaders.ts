import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { efficiencyOfBudgets, type EfficiencyMeasuresRecord } from "./report.queries";

export function createReportLoaders(db: DataSource) {
  return {
    efficiencyOfBudget: new DataLoader<string, EfficiencyMeasuresRecord>((ids) => efficiencyOfBudgets(db, ids)),
  };
}

export type ReportLoaders = ReturnType<typeof createReportLoaders>;
