import { IsOptional, MaxLength, Min } from "class-validator";
import { Field, InputType } from "type-graphql";
import { Pence } from "../../shared/money";

@InputType()
export class UpdateFundingBodySettingsInput {
  @Field()
  @MaxLength(9)
  code!: string;

  @Field(() => Pence, { nullable: true, description: "null: life-improving bookings never need approval." })
  @IsOptional()
  @Min(0)
  lifeImprovingApprovalThresholdPence?: number | null;
}
