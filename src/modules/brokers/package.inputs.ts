import { ArrayMaxSize, IsOptional, Length, Max, MaxLength, Min } from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { LocalDate } from "../../shared/time";
import { PayeeRelationship } from "../bookings";
import { PackageStatus } from "./package.enums";

@InputType()
export class CreatePackageInput {
  @Field(() => ID)
  clientId!: string;

  @Field(() => ID)
  budgetId!: string;
}

@InputType()
export class AddPackageItemInput {
  @Field(() => ID)
  packageId!: string;

  @Field(() => ID)
  listingId!: string;

  @Field({ description: "The first visit; recurrences keep its London wall-clock time." })
  startsAt!: Date;

  @Field(() => String, { nullable: true, description: "RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,TH." })
  @IsOptional()
  @MaxLength(500)
  recurrence?: string | null;

  @Field(() => Float, { defaultValue: 1 })
  unitsPerVisit!: number;

  @Field(() => LocalDate, { nullable: true, description: "No visits after this day; the budget period's end by default." })
  endsOn?: string | null;

  @Field(() => PayeeRelationship, { defaultValue: PayeeRelationship.NONE })
  payeeRelationship!: PayeeRelationship;
}

@InputType()
export class PackageItemRefInput {
  @Field(() => ID)
  packageId!: string;

  @Field(() => ID)
  itemId!: string;
}

@InputType()
export class PackageRefInput {
  @Field(() => ID)
  packageId!: string;
}

@InputType()
export class LogBrokerageTimeInput {
  @Field(() => ID)
  packageId!: string;

  @Field(() => Int)
  @Min(1)
  @Max(24 * 60)
  minutes!: number;
}

@InputType()
export class AgreePackageInput {
  @Field(() => ID)
  packageId!: string;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class CancelPackageInput {
  @Field(() => ID)
  packageId!: string;

  @Field({ description: "A retry with the same key and input returns the first answer." })
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class PackageFilter {
  @Field(() => [PackageStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(4)
  statuses?: PackageStatus[] | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;
}
