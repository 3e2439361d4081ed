import { ArrayMaxSize, ArrayMinSize, IsOptional, Length, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, Float, ID, InputType } from "type-graphql";
import { GroupSplit } from "./booking.enums";

@InputType()
export class GroupParticipantInput {
  @Field(() => ID, { description: "The resident's budget that pays their share." })
  budgetId!: string;

  @Field(() => Float, { nullable: true, description: "Their units, for split BY_UNITS." })
  @IsOptional()
  @Min(0.01)
  units?: number | null;
}

@InputType()
export class CreateGroupBookingInput {
  @Field(() => ID, { description: "A listing with setting CARE_HOME and a group capacity." })
  listingId!: string;

  @Field(() => ID, { description: "The care home (a CARE_HOME provider) where the residents live." })
  careHomeId!: string;

  @Field()
  startsAt!: Date;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  recurrence?: string | null;

  @Field(() => Float, {
    defaultValue: 1,
    description: "The listing's units in one session (e.g. 1.5 hours); the session price is these units at the listing's price.",
  })
  @Min(0.01)
  unitsPerSession!: number;

  @Field(() => [GroupParticipantInput])
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  participants!: GroupParticipantInput[];

  @Field(() => GroupSplit, { defaultValue: GroupSplit.EQUAL })
  split!: GroupSplit;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}
