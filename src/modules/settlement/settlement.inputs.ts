import { ArrayMaxSize, IsOptional, Length, MaxLength } from "class-validator";
import { Field, Float, ID, InputType } from "type-graphql";
import { LocalDate } from "../../shared/time";
import { DisputeResolution, PaymentRunStatus, StatementStatus } from "./settlement.enums";

@InputType()
export class ConfirmVisitInput {
  @Field(() => ID)
  visitId!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class DisputeVisitInput {
  @Field(() => ID)
  visitId!: string;

  @Field({ description: "What was wrong: kept with the visit for the commissioner." })
  @MaxLength(1000)
  reason!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class ResolveVisitDisputeInput {
  @Field(() => ID)
  visitId!: string;

  @Field(() => DisputeResolution)
  resolution!: DisputeResolution;

  @Field(() => Float, { nullable: true, description: "UPHELD: the units reversed (at most two decimals); null: all of them." })
  @IsOptional()
  units?: number | null;

  @Field({ defaultValue: "", description: "The commissioner's note: kept with the visit." })
  @MaxLength(1000)
  reason!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class CorrectVisitInput {
  @Field(() => ID)
  visitId!: string;

  @Field(() => Float, { description: "The units to take back (at most two decimals, at most those not reversed yet)." })
  units!: number;

  @Field({ description: "Why: kept with the correction and shown to the provider." })
  @MaxLength(1000)
  reason!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class CreatePaymentRunInput {
  @Field({ description: "The funding body paying: the commissioner's own." })
  @MaxLength(9)
  fundingBodyCode!: string;

  @Field(() => LocalDate, { description: "The last day of delivery paid (London), today or earlier." })
  upTo!: string;

  @Field({ description: "A retry with the same key and input returns the first run." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class MarkPaymentRunPaidInput {
  @Field(() => ID)
  paymentRunId!: string;

  @Field(() => LocalDate)
  paidOn!: string;

  @Field({ description: "The payment's reference in the finance system." })
  @MaxLength(140)
  reference!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class StatementFilter {
  @Field(() => ID, { nullable: true })
  paymentRunId?: string | null;

  @Field(() => ID, { nullable: true })
  providerId?: string | null;

  @Field(() => [StatementStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(2)
  statuses?: StatementStatus[] | null;
}

@InputType()
export class PaymentRunFilter {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(9)
  fundingBodyCode?: string | null;

  @Field(() => [PaymentRunStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(2)
  statuses?: PaymentRunStatus[] | null;
}
