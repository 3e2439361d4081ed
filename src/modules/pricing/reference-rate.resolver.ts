import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { PUBLIC, Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId } from "../../shared/ids";
import { LocalDate } from "../../shared/time";
import { FundingBody, ServiceCategory, type FundingBodyView, type ServiceCategoryView } from "../reference";
import { ReferenceRateEntity } from "./reference-rate.entity";
import { ImportReferenceRatesInput, SetReferenceRateInput } from "./reference-rate.inputs";
import { ImportReferenceRatesPayload, ReferenceRate, SetReferenceRatePayload } from "./reference-rate.types";

@Authorized(PUBLIC)
@Resolver()
export class ReferenceRateQueries {
  @Query(() => [ReferenceRate], { description: "A funding body's published rates: every version, or those in force on a day (at most 1,000)." })
  referenceRates(
    @Arg("fundingBodyCode") fundingBodyCode: string,
    @Arg("categoryCode", () => String, { nullable: true }) categoryCode: string | null,
    @Arg("on", () => LocalDate, { nullable: true }) on: string | null,
    @Ctx() { services }: Context,
  ): Promise<ReferenceRateEntity[]> {
    return services.rates.list(fundingBodyCode, categoryCode, on);
  }
}

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class ReferenceRateMutations {
  @Mutation(() => SetReferenceRatePayload, { description: "Adds a version of a rate; never overwrites one." })
  async setReferenceRate(@Arg("input") input: SetReferenceRateInput, @Ctx() { viewer, services }: Context) {
    const command = { ...input, visitMinutes: input.visitMinutes ?? null, validTo: input.validTo ?? null };
    return toInputPayload("referenceRate", await services.rates.set(signedIn(viewer), command));
  }

  @Mutation(() => ImportReferenceRatesPayload, { description: "Imports a whole rate card in one transaction, or reports every bad line and imports nothing." })
  async importReferenceRates(@Arg("input") input: ImportReferenceRatesInput, @Ctx() { viewer, services }: Context): Promise<ImportReferenceRatesPayload> {
    const result = await services.rates.import(signedIn(viewer), { csv: input.csv, dryRun: input.dryRun });
    const { userErrors } = toInputPayload("summary", result);
    return result.ok ? { ...result.value, userErrors } : { created: 0, unchanged: 0, closed: 0, dryRun: input.dryRun, userErrors };
  }
}

@Resolver(() => ReferenceRate)
export class ReferenceRateFields {
  @FieldResolver(() => ID)
  id(@Root() rate: ReferenceRateEntity): string {
    return toGlobalId("ReferenceRate", rate.id);
  }

  @FieldResolver(() => FundingBody)
  fundingBody(@Root() rate: ReferenceRateEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> {
    return loaders.fundingBodyByCode.load(rate.fundingBodyCode);
  }

  @FieldResolver(() => ServiceCategory)
  category(@Root() rate: ReferenceRateEntity, @Ctx() { loaders }: Context): Promise<ServiceCategoryView | null> {
    return loaders.categoryByCode.load(rate.categoryCode);
  }
}
