import { ArrayMaxSize, IsOptional, Length, MaxLength } from "class-validator";
import { Field, Float, ID, InputType, registerEnumType } from "type-graphql";
import { BookingStatus, PayeeRelationship, VisitOutcome } from "./booking.enums";

@InputType()
export class CreateBookingInput {
  @Field(() => ID)
  listingId!: string;

  @Field(() => ID)
  budgetId!: string;

  @Field({ description: "The first visit, e.g. 2026-03-02T09:00:00Z; recurrences keep its London wall-clock time." })
  startsAt!: Date;

  @Field(() => String, {
    nullable: true,
    description: "RFC 5545 RRULE without DTSTART, e.g. FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12. Visits stop at the budget period's end.",
  })
  @IsOptional()
  @MaxLength(500)
  recurrence?: string | null;

  @Field(() => Float, { defaultValue: 1, description: "Units of the listing per visit (e.g. 1.5 hours), at most two decimals." })
  unitsPerVisit!: number;

  @Field(() => PayeeRelationship, { defaultValue: PayeeRelationship.NONE })
  payeeRelationship!: PayeeRelationship;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class BookingDecisionInput {
  @Field(() => ID)
  bookingId!: string;

  @Field({
    defaultValue: "",
    description: "Why: kept with the booking. Approving a relative payee needs one: the council records why it is necessary (reg. 3).",
  })
  @MaxLength(500)
  note!: string;

  @Field(() => PayeeRelationship, {
    nullable: true,
    description:
      "confirmBooking only: who the provider's worker (the payee) is to the client (Care and Support (Direct Payments) Regulations 2014, reg. 3); confirming without it declares NONE. A spouse or partner, or a close relative in the same household, waits for a commissioner's approval unless one is recorded already.",
  })
  @IsOptional()
  payeeRelationship?: PayeeRelationship | null;
}

export { VisitOutcome };
registerEnumType(VisitOutcome, { name: "VisitOutcome" });

@InputType()
export class RecordVisitInput {
  @Field(() => ID)
  visitId!: string;

  @Field(() => VisitOutcome, { description: "DELIVERED turns the visit's commitment into spend; MISSED releases it." })
  outcome!: VisitOutcome;
}

@InputType()
export class BookingFilter {
  @Field(() => [BookingStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(6)
  statuses?: BookingStatus[] | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;

  @Field(() => ID, { nullable: true })
  budgetId?: string | null;
}
