import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { Pence } from "../../shared/money";
import { LocalDate } from "../../shared/time";
import { BudgetKind } from "../reference";
import { BudgetManagement, ClientSetting, GainMode, ReviewOutcome } from "./budget.enums";

@InputType()
export class CreateClientInput {
  @Field()
  @Length(1, 120)
  displayName!: string;

  @Field({ description: "First half of the client's postcode, e.g. SW19." })
  @MaxLength(8)
  postcodeDistrict!: string;

  @Field(() => String, { nullable: true, description: "Defaults to the commissioner's own funding body." })
  @IsOptional()
  @MaxLength(9)
  fundingBodyCode?: string | null;

  @Field(() => ClientSetting, { defaultValue: ClientSetting.OWN_HOME })
  setting!: ClientSetting;

  @Field(() => ID, { nullable: true, description: "The care home (a CARE_HOME provider) when setting is CARE_HOME." })
  careHomeId?: string | null;

  @Field(() => LocalDate)
  dateOfBirth!: string;

  @Field({ defaultValue: false, description: "Had no support before this budget." })
  newToSupport!: boolean;
}

@InputType()
export class AssignBrokerInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => ID, { nullable: true, description: "A BROKER user; null removes the broker." })
  brokerUserId?: string | null;
}

@InputType()
export class CreateBudgetInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => BudgetKind)
  kind!: BudgetKind;

  @Field(() => BudgetManagement)
  management!: BudgetManagement;

  @Field(() => LocalDate)
  periodStart!: string;

  @Field(() => LocalDate)
  periodEnd!: string;

  @Field(() => Pence, { description: "The allocation, in pence." })
  @Min(1)
  allocatedPence!: number;

  @Field(() => [String], { description: "Category codes of the needs in the care and support plan." })
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  coveredCategoryCodes!: string[];

  @Field(() => LocalDate, { nullable: true, description: "Defaults to six months after the start (reg. 7)." })
  reviewDueOn?: string | null;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class TopUpBudgetInput {
  @Field(() => ID)
  budgetId!: string;

  @Field(() => Pence)
  @Min(1)
  amountPence!: number;

  @Field({ defaultValue: "" })
  @MaxLength(500)
  memo!: string;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class SetGainPolicyInput {
  @Field(() => ID)
  budgetId!: string;

  @Field(() => GainMode)
  mode!: GainMode;

  @Field(() => Int, { nullable: true, description: "SHARE only: the percentage of each saving returned (1–99)." })
  returnPercent?: number | null;
}

@InputType()
export class RecordBudgetReviewInput {
  @Field(() => ID)
  budgetId!: string;

  @Field(() => LocalDate, { description: "The day the review took place: today or earlier." })
  reviewedOn!: string;

  @Field(() => ReviewOutcome)
  outcome!: ReviewOutcome;

  @Field({ defaultValue: "", description: "What was found and decided; at most 2,000 characters." })
  notes!: string;

  @Field(() => LocalDate, { nullable: true, description: "Defaults to twelve months after reviewedOn (reg. 7)." })
  nextReviewDueOn?: string | null;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}
