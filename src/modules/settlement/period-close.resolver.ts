import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { optionalUuidOf, uuidOf } from "../../shared/ids";
import { CloseBudgetInput } from "./period-close.inputs";
import { CloseBudgetPayload } from "./settlement.types";

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class PeriodCloseMutations {
  @Mutation(() => CloseBudgetPayload, {
    description:
      "Closes a budget's period once it has ended and its visits are recorded and answered: releases what is still committed, fixes the surplus, and reclaims it (CLAWBACK), carries it to the next budget, or keeps it. Idempotent.",
  })
  async closeBudget(@Arg("input") input: CloseBudgetInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.periodClose.close(signedIn(viewer), {
      budgetId: uuidOf(input.budgetId, "Budget"),
      disposal: input.disposal,
      nextBudgetId: optionalUuidOf(input.nextBudgetId, "Budget"),
      amountPence: input.amountPence ?? null,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
    });
    if (result.ok) {
      loaders.budgetById.clear(result.value.id);
      if (input.nextBudgetId) loaders.budgetById.clearAll();
    }
    return toInputPayload("budget", result);
  }
}
