import { Field, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { connectionType } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { ReviewOutcome } from "./budget.enums";

registerEnumType(ReviewOutcome, {
  name: "ReviewOutcome",
  valuesConfig: {
    CONTINUE: { description: "The budget carries on as it is." },
    CHANGE_ALLOCATION: { description: "The allocation is to change (a top-up, or a new budget)." },
    SUSPEND: { description: "Direct payments are suspended (reg. 7: the council may stop or suspend them)." },
    STOP: { description: "Direct payments are to end." },
  },
});

@ObjectType({ implements: Node, simpleResolvers: true, description: "A council's review of a budget (reg. 7). Never changed: a new view is a new review." })
export class BudgetReview extends Node {
  @Field(() => LocalDate)
  reviewedOn!: string;

  @Field(() => ReviewOutcome)
  outcome!: ReviewOutcome;

  @Field()
  notes!: string;

  @Field(() => LocalDate, { description: "When the next review is due." })
  nextReviewDueOn!: string;

  @Field()
  createdAt!: Date;
}

export const BudgetReviewConnection = connectionType(BudgetReview);
export const RecordBudgetReviewPayload = payloadType("RecordBudgetReviewPayload", "review", BudgetReview);
