import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { uuidOf } from "../../shared/ids";
import { Listing, type ListingView } from "../listings";
import type { PlanPackageCommand } from "./plan.commands";
import { PlanPackageInput } from "./plan.inputs";
import { PlannedItem, PlanPackagePayload } from "./plan.types";

@Authorized(Role.CLIENT, Role.BROKER, Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class PlanMutations {
  @Mutation(() => PlanPackagePayload, {
    description:
      "The cheapest set of listings that meets every need in the client's area, within the budget, the providers' weekly capacity and a maximum number of providers; or which need cannot be met and what it would cost. Changes nothing.",
  })
  async planPackage(@Arg("input") input: PlanPackageInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("plan", await services.plans.plan(signedIn(viewer), planCommandOf(input)));
  }
}

@Resolver(() => PlannedItem)
export class PlannedItemFields {
  @FieldResolver(() => Listing)
  listing(@Root() item: PlannedItem, @Ctx() { loaders }: Context): Promise<ListingView | null> {
    return loaders.listingById.load(item.listingId);
  }
}

function planCommandOf(input: PlanPackageInput): PlanPackageCommand {
  return {
    clientId: uuidOf(input.clientId, "Client"),
    budgetId: uuidOf(input.budgetId, "Budget"),
    needs: input.needs.map((need) => ({
      categoryCode: need.categoryCode,
      unitsPerWeek: need.unitsPerWeek,
      unit: need.unit,
      days: need.days,
      from: need.from,
      to: need.to,
      minCqcRating: need.minCqcRating,
    })),
    maxProviders: input.maxProviders,
  };
}
