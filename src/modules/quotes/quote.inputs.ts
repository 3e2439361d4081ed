import { ArrayMaxSize, IsOptional, Length, MaxLength, Min } from "class-validator";
import { Field, Float, ID, InputType } from "type-graphql";
import { Pence } from "../../shared/money";
import { LocalDate } from "../../shared/time";
import { PayeeRelationship } from "../bookings";
import { QuoteRequestStatus } from "./quote.enums";

@InputType()
export class RequestQuoteInput {
  @Field(() => ID)
  clientId!: string;

  @Field()
  @MaxLength(40)
  categoryCode!: string;

  @Field()
  @Length(1, 5000)
  description!: string;

  @Field(() => Float)
  @Min(0.01)
  unitsPerWeek!: number;

  @Field({ defaultValue: "", description: "When the support is wanted, in words." })
  @MaxLength(500)
  schedule!: string;

  @Field(() => LocalDate)
  startsOn!: string;

  @Field(() => LocalDate)
  endsOn!: string;

  @Field(() => [ID], { defaultValue: [], description: "Providers to ask by name, whatever their area." })
  @ArrayMaxSize(20)
  providerIds!: string[];
}

@InputType()
export class SubmitQuoteInput {
  @Field(() => ID)
  requestId!: string;

  @Field(() => ID, { description: "One of your listings in the requested category." })
  listingId!: string;

  @Field(() => Pence)
  unitPricePence!: number;

  @Field(() => Float, { defaultValue: 1 })
  unitsPerVisit!: number;

  @Field({ description: "The first visit, within the requested period." })
  startsAt!: Date;

  @Field(() => String, { nullable: true, description: "RRULE of the visits (e.g. FREQ=WEEKLY;BYDAY=MO,TH)." })
  @IsOptional()
  @MaxLength(500)
  recurrence?: string | null;

  @Field()
  validUntil!: Date;

  @Field({ defaultValue: "" })
  @MaxLength(2000)
  note!: string;

  @Field(() => PayeeRelationship, {
    defaultValue: PayeeRelationship.NONE,
    description:
      "Who your worker (the payee) is to the client (Care and Support (Direct Payments) Regulations 2014, reg. 3): a booking accepted from this quote waits for the council's agreement to a spouse or partner, or a close relative in the same household.",
  })
  payeeRelationship!: PayeeRelationship;
}

@InputType()
export class QuoteDecisionInput {
  @Field(() => ID)
  quoteId!: string;
}

@InputType()
export class AcceptQuoteInput {
  @Field(() => ID)
  quoteId!: string;

  @Field(() => ID, { description: "The budget that pays." })
  budgetId!: string;

  @Field(() => PayeeRelationship, { defaultValue: PayeeRelationship.NONE })
  payeeRelationship!: PayeeRelationship;

  @Field()
  @Length(1, 200)
  idempotencyKey!: string;
}

@InputType()
export class QuoteRequestFilter {
  @Field(() => [QuoteRequestStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(3)
  statuses?: QuoteRequestStatus[] | null;

  @Field(() => ID, { nullable: true })
  clientId?: string | null;
}
