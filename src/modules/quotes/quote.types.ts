import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { Booking, PayeeRelationship } from "../bookings";
import { QuoteRequestStatus, QuoteStatus } from "./quote.enums";

registerEnumType(QuoteRequestStatus, { name: "QuoteRequestStatus" });
registerEnumType(QuoteStatus, { name: "QuoteStatus" });

@ObjectType({ implements: Node, simpleResolvers: true, description: "A client's request for prices." })
export class QuoteRequest extends Node {
  @Field()
  description!: string;

  @Field(() => Float)
  unitsPerWeek!: number;

  @Field({ description: "When the support is wanted, in words." })
  schedule!: string;

  @Field(() => LocalDate)
  startsOn!: string;

  @Field(() => LocalDate)
  endsOn!: string;

  @Field(() => QuoteRequestStatus)
  status!: QuoteRequestStatus;

  @Field()
  createdAt!: Date;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A provider's priced answer to a quote request." })
export class Quote extends Node {
  @Field(() => Pence)
  unitPricePence!: number;

  @Field(() => Float)
  unitsPerVisit!: number;

  @Field({ description: "The first visit." })
  startsAt!: Date;

  @Field(() => String, { nullable: true, description: "RRULE of the visits, London wall-clock time." })
  recurrence!: string | null;

  @Field(() => Int, { description: "Visits in the requested period." })
  visitCount!: number;

  @Field(() => Pence, { description: "Every visit of the requested period at the quoted price." })
  totalPence!: number;

  @Field()
  validUntil!: Date;

  @Field()
  note!: string;

  @Field(() => PayeeRelationship, { description: "What the provider declared of who its worker (the payee) is to the client (reg. 3)." })
  payeeDeclaredByProvider!: PayeeRelationship;

  @Field()
  createdAt!: Date;
}

export const QuoteRequestConnection = connectionType(QuoteRequest);
export const RequestQuotePayload = payloadType("RequestQuotePayload", "quoteRequest", QuoteRequest);
export const SubmitQuotePayload = payloadType("SubmitQuotePayload", "quote", Quote);
export const WithdrawQuotePayload = payloadType("WithdrawQuotePayload", "quote", Quote);
export const DeclineQuotePayload = payloadType("DeclineQuotePayload", "quote", Quote);
export const AcceptQuotePayload = payloadType("AcceptQuotePayload", "booking", Booking, "The booking made at the quoted price.");
