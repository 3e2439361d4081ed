import { IsOptional, Length, MaxLength, Min } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { Pence } from "../../shared/money";
import { SurplusDisposal } from "../budgets";

@InputType()
export class CloseBudgetInput {
  @Field(() => ID)
  budgetId!: string;

  @Field(() => SurplusDisposal)
  disposal!: SurplusDisposal;

  @Field(() => ID, { nullable: true, description: "CARRY_FORWARD: the same person's budget for the next period." })
  nextBudgetId?: string | null;

  @Field(() => Pence, {
    nullable: true,
    description: "RECLAIM and CARRY_FORWARD: how much of the surplus (the whole of it when null); the rest stays. KEEP: null.",
  })
  @IsOptional()
  @Min(0)
  amountPence?: number | null;

  @Field({ defaultValue: "", description: "The council's decision, kept on the ledger entries." })
  @MaxLength(400)
  reason!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}
