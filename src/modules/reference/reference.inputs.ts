import { IsOptional, Max, MaxLength, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { Pence } from "../../shared/money";
import { BrokerageChargedTo, BrokerageMode } from "./reference.enums";

@InputType()
export class UpdateFundingBodySettingsInput {
  @Field()
  @MaxLength(9)
  code!: string;

  @Field(() => Pence, { nullable: true, description: "null: life-improving bookings never need approval." })
  @IsOptional()
  @Min(0)
  lifeImprovingApprovalThresholdPence?: number | null;

  @Field(() => BrokerageMode, { nullable: true })
  brokerageMode?: BrokerageMode | null;

  @Field(() => Pence, { nullable: true })
  @IsOptional()
  @Min(0)
  brokerageFeePence?: number | null;

  @Field(() => BrokerageChargedTo, { nullable: true })
  brokerageChargedTo?: BrokerageChargedTo | null;

  @Field(() => Int, { nullable: true, description: "The London hour (12 to 23) from which EVENING-rate visits may start." })
  @IsOptional()
  @Min(12)
  @Max(23)
  eveningFromHour?: number | null;

  @Field(() => Boolean, { nullable: true, description: "false: a rate type without a published rate has no reference (no STANDARD fallback)." })
  referenceFallback?: boolean | null;
}
