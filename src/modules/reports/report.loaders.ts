import type { DataSource } from "typeorm";
import { forecastsOf, loaderOnDay } from "./forecast.queries";
import { efficiencyOfBudgets } from "./report.queries";

/** Keyed by budget and London day: a budget's efficiency (its projected surplus) and forecast depend on the day. */
export function createReportLoaders(db: DataSource) {
  return {
    efficiencyOfBudget: loaderOnDay((ids, today) => efficiencyOfBudgets(db, ids, today)),
    forecastOfBudget: loaderOnDay((ids, today) => forecastsOf(db, ids, today)),
  };
}

export type ReportLoaders = ReturnType<typeof createReportLoaders>;
