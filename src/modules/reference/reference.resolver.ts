import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { PUBLIC, Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId } from "../../shared/ids";
import { ServiceCategoryEntity } from "./category.entity";
import { FundingBodyEntity } from "./funding-body.entity";
import { UpdateFundingBodySettingsInput } from "./reference.inputs";
import { FundingBody, ServiceCategory, UpdateFundingBodySettingsPayload } from "./reference.types";

@Authorized(PUBLIC)
@Resolver()
export class ReferenceResolver {
  @Query(() => [ServiceCategory], { description: "The service taxonomy, in display order." })
  serviceCategories(@Ctx() { services }: Context): Promise<ServiceCategoryEntity[]> {
    return services.reference.listCategories();
  }

  @Query(() => [FundingBody], { description: "Councils and NHS bodies known to the marketplace." })
  fundingBodies(@Ctx() { services }: Context): Promise<FundingBodyEntity[]> {
    return services.reference.listFundingBodies();
  }

  @Query(() => FundingBody, { nullable: true })
  fundingBody(@Arg("code") code: string, @Ctx() { loaders }: Context): Promise<FundingBodyEntity | null> {
    return loaders.fundingBodyByCode.load(code);
  }
}

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class ReferenceMutations {
  @Mutation(() => UpdateFundingBodySettingsPayload, { description: "A commissioner sets their funding body's rules." })
  async updateFundingBodySettings(@Arg("input") input: UpdateFundingBodySettingsInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.reference.updateSettings(signedIn(viewer), {
      code: input.code,
      lifeImprovingApprovalThresholdPence: input.lifeImprovingApprovalThresholdPence,
      brokerageMode: input.brokerageMode,
      brokerageFeePence: input.brokerageFeePence,
      brokerageChargedTo: input.brokerageChargedTo,
      eveningFromHour: input.eveningFromHour,
      referenceFallback: input.referenceFallback,
    });
    if (result.ok) loaders.fundingBodyByCode.clear(result.value.code).prime(result.value.code, result.value);
    return toInputPayload("fundingBody", result);
  }
}

@Resolver(() => ServiceCategory)
export class ServiceCategoryFields {
  @FieldResolver(() => ID)
  id(@Root() category: ServiceCategoryEntity): string {
    return toGlobalId("ServiceCategory", category.code);
  }
}

@Resolver(() => FundingBody)
export class FundingBodyFields {
  @FieldResolver(() => ID)
  id(@Root() body: FundingBodyEntity): string {
    return toGlobalId("FundingBody", body.code);
  }
}
