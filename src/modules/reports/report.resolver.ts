import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { londonDate, LocalDate } from "../../shared/time";
import { Budget, canActFor, type BudgetView } from "../budgets";
import { ReportDimension } from "./report.enums";
import type { EfficiencyMeasuresRecord } from "./report.queries";
import type { EfficiencyReportRecord, PriceDistributionRecord } from "./report.service";
import type { BudgetForecastRecord } from "./forecast.queries";
import { BudgetForecast, EfficiencyMeasures, EfficiencyReport, PriceDistribution } from "./report.types";

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class ReportQueries {
  @Query(() => EfficiencyReport, { description: "Where the savings went, over visits delivered between two days: rows per group, and totals." })
  efficiencyReport(
    @Arg("fundingBodyCode") fundingBodyCode: string,
    @Arg("from", () => LocalDate) from: string,
    @Arg("to", () => LocalDate) to: string,
    @Arg("groupBy", () => [ReportDimension], { defaultValue: [] }) groupBy: ReportDimension[],
    @Ctx() { viewer, services }: Context,
  ): Promise<EfficiencyReportRecord> {
    return services.reports.efficiency(signedIn(viewer), { fundingBodyCode, from, to, groupBy });
  }

  @Query(() => PriceDistribution, {
    description: "How listing and booked prices sit around the reference rate: bands of 5%, anchoring at the rate, prices below the minimum.",
  })
  priceDistribution(
    @Arg("fundingBodyCode") fundingBodyCode: string,
    @Arg("categoryCode") categoryCode: string,
    @Arg("on", () => LocalDate, { nullable: true }) on: string | null,
    @Ctx() { viewer, services }: Context,
  ): Promise<PriceDistributionRecord> {
    return services.reports.priceDistribution(signedIn(viewer), { fundingBodyCode, categoryCode, on: on ?? londonDate(services.clock.now()) });
  }
}

@Resolver(() => Budget)
export class BudgetEfficiencyField {
  @FieldResolver(() => EfficiencyMeasures, {
    nullable: true,
    description: "Where this budget's savings went, over its delivered visits (for its client's side; commissioners, brokers, the client).",
  })
  async efficiency(@Root() budget: BudgetView, @Ctx() { viewer, loaders, services }: Context): Promise<EfficiencyMeasuresRecord | null> {
    const client = await loaders.clientById.load(budget.clientId);
    return client && viewer && canActFor(viewer, client)
      ? loaders.efficiencyOfBudget.load({ budgetId: budget.id, today: londonDate(services.clock.now()) })
      : null;
  }

  @FieldResolver(() => BudgetForecast, {
    nullable: true,
    description: "The forecast to period end (open budgets; null when closed). Same viewers as efficiency.",
  })
  async forecast(@Root() budget: BudgetView, @Ctx() { viewer, loaders, services }: Context): Promise<BudgetForecastRecord | null> {
    const client = await loaders.clientById.load(budget.clientId);
    return client && viewer && canActFor(viewer, client)
      ? loaders.forecastOfBudget.load({ budgetId: budget.id, today: londonDate(services.clock.now()) })
      : null;
  }
}
