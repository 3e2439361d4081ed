import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { forbidden, toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { PageArgs, type Connection } from "../../shared/pagination";
import { User, type UserView } from "../auth";
import { BudgetEntity } from "./budget.entity";
import { RecordBudgetReviewInput } from "./budget.inputs";
import { Budget, BudgetConnection } from "./budget.types";
import { canManage } from "./client.rules";
import { BudgetReviewEntity } from "./review.entity";
import { BudgetReview, BudgetReviewConnection, RecordBudgetReviewPayload } from "./review.types";

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class ReviewMutations {
  @Mutation(() => RecordBudgetReviewPayload, {
    description: "Records a review of a budget (reg. 7); the next is due twelve months later unless given. Idempotent.",
  })
  async recordBudgetReview(@Arg("input") input: RecordBudgetReviewInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.reviews.record(signedIn(viewer), {
      budgetId: uuidOf(input.budgetId, "Budget"),
      reviewedOn: input.reviewedOn,
      outcome: input.outcome,
      notes: input.notes,
      nextReviewDueOn: input.nextReviewDueOn ?? null,
      idempotencyKey: input.idempotencyKey,
    });
    if (result.ok) loaders.budgetById.clear(result.value.budgetId);
    return toInputPayload("review", result);
  }
}

@Authorized(Role.COMMISSIONER, Role.ADMIN)
@Resolver()
export class ReviewQueries {
  @Query(() => BudgetConnection, { description: "Open budgets of your funding body whose review is overdue, most overdue first." })
  overdueReviews(
    @Arg("fundingBodyCode") fundingBodyCode: string,
    @Args() page: PageArgs,
    @Ctx() { viewer, services }: Context,
  ): Promise<Connection<BudgetEntity>> {
    const me = signedIn(viewer);
    if (!canManage(me, { fundingBodyCode })) throw forbidden("Overdue reviews are for the funding body's own commissioners.");
    return services.reviews.overdue(fundingBodyCode, page);
  }
}

@Resolver(() => Budget)
export class BudgetReviewFields {
  @FieldResolver(() => BudgetReviewConnection, { description: "The budget's reviews, latest first." })
  reviews(@Root() budget: BudgetEntity, @Args() page: PageArgs, @Ctx() { loaders }: Context): Promise<Connection<BudgetReviewEntity>> {
    return loaders.reviewsOfBudget(budget.id, page);
  }
}

@Resolver(() => BudgetReview)
export class ReviewFields {
  @FieldResolver(() => ID)
  id(@Root() review: BudgetReviewEntity): string {
    return toGlobalId("BudgetReview", review.id);
  }

  @FieldResolver(() => Budget)
  budget(@Root() review: BudgetReviewEntity, @Ctx() { loaders }: Context): Promise<BudgetEntity | null> {
    return loaders.budgetById.load(review.budgetId);
  }

  @FieldResolver(() => User, { nullable: true, description: "Who recorded it." })
  recordedBy(@Root() review: BudgetReviewEntity, @Ctx() { loaders }: Context): Promise<UserView | null> {
    return loaders.userById.load(review.recordedByUserId);
  }
}
