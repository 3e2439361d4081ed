import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role } from "../../shared/auth";
import { londonDate, LocalDate } from "../../shared/time";
import { Budget, canManage, type BudgetEntity } from "../budgets";
import { ReportDimension } from "./report.enums";
import { EfficiencyMeasures, EfficiencyReport, PriceDistribution } from "./report.types";

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
  ): Promise<EfficiencyReport> {
    return services.reports.efficiency(viewer!, fundingBodyCode, from, to, groupBy);
  }

  @Query(() => PriceDistribution, { description: "How listing and booked prices sit around the reference rate: bands of 5%, anchoring at the rate, prices below the minimum." })
  async priceDistribution(
    @Arg("fundingBodyCode") fundingBodyCode: string,
    @Arg("categoryCode") categoryCode: string,
    @Arg("on", () => LocalDate, { nullable: true }) on: string | null,
    @Ctx() { viewer, services }: Context,
  ): Promise<PriceDistribution> {
    const day = on ?? londonDate(services.clock.now());
    return { fundingBodyCode, categoryCode, on: day, ...(await services.reports.priceDistribution(viewer!, fundingBodyCode, categoryCode, day)) };
  }
}

@Resolver(() => Budget)
export class BudgetEfficiencyField {
  @FieldResolver(() => EfficiencyMeasures, {
    nullable: true,
    description: "Where this budget's savings went, over its delivered visits (for its client's side; commissioners, brokers, the client).",
  })
  async efficiency(@Root() budget: BudgetEntity, @Ctx() { viewer, loaders }: Context): Promise<EfficiencyMeasures | null> {
    const client = await loaders.clientById.load(budget.clientId);
    return client && viewer && (canManage(viewer, client) || viewer.clientId === client.id || client.brokerUserId === viewer.userId)
      ? loaders.efficiencyOfBudget.load(budget.id)
      : null;
  }
}
