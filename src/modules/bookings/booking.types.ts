import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { ReferenceBasis } from "../pricing";
import { ApprovalDecision, ApprovalReason, BookingStatus, PayeeRelationship, VisitStatus } from "./booking.enums";

registerEnumType(BookingStatus, { name: "BookingStatus" });
registerEnumType(VisitStatus, { name: "VisitStatus" });
registerEnumType(PayeeRelationship, {
  name: "PayeeRelationship",
  description: "Who the payee is to the budget holder (Care and Support (Direct Payments) Regulations 2014, reg. 3).",
});
registerEnumType(ApprovalReason, { name: "ApprovalReason" });
registerEnumType(ApprovalDecision, { name: "ApprovalDecision" });

@ObjectType({ implements: Node, simpleResolvers: true, description: "A client's booking of a listing, paid from one budget." })
export class Booking extends Node {
  @Field(() => BookingStatus)
  status!: BookingStatus;

  @Field({ description: "The first visit." })
  startsAt!: Date;

  @Field(() => String, { nullable: true, description: "RFC 5545 RRULE, in Europe/London wall-clock time; null for one visit." })
  recurrence!: string | null;

  @Field(() => Float)
  unitsPerVisit!: number;

  @Field(() => Pence, { description: "The agreed price of one unit, fixed when booked." })
  unitPricePence!: number;

  @Field(() => PayeeRelationship, { description: "Who the payee is to the client: the closer of the booker's and the provider's declarations." })
  payeeRelationship!: PayeeRelationship;

  @Field(() => PayeeRelationship, { nullable: true, description: "What the provider declared when it confirmed (reg. 3); null until it confirms." })
  payeeDeclaredByProvider!: PayeeRelationship | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "One delivery of a booking." })
export class Visit extends Node {
  @Field()
  startsAt!: Date;

  @Field()
  endsAt!: Date;

  @Field(() => Float)
  units!: number;

  @Field(() => VisitStatus)
  status!: VisitStatus;

  @Field(() => Pence)
  costPence!: number;

  @Field(() => Pence, {
    nullable: true,
    description: "units × the rate in force that day as known when the visit was delivered (booked, until then); null: no reference.",
  })
  referenceCostPence!: number | null;

  @Field(() => ReferenceBasis, {
    nullable: true,
    description: "PUBLISHED, or FALLBACK_STANDARD where the funding body's STANDARD rate stands in for the listing's rate type; null: no reference.",
  })
  referenceBasis!: ReferenceBasis | null;

  @Field(() => Pence, { description: "Saving earmarked for the funder under the budget's gain policy." })
  earmarkPence!: number;

  @Field()
  belowMinimumPrice!: boolean;

  @Field(() => Date, { nullable: true })
  recordedAt!: Date | null;
}

@ObjectType({ description: "Whether a booking needs a commissioner's decision, why, and what was decided." })
export class BookingApproval {
  @Field()
  required!: boolean;

  @Field(() => [ApprovalReason])
  reasons!: ApprovalReason[];

  @Field(() => [String], { description: "Each reason in words, with its source." })
  explanations!: string[];

  @Field(() => ApprovalDecision, { nullable: true })
  decision!: ApprovalDecision | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;

  @Field()
  note!: string;
}

export const BookingConnection = connectionType(Booking);
export const VisitConnection = connectionType(Visit);
export const CreateBookingPayload = payloadType("CreateBookingPayload", "booking", Booking);
export const ConfirmBookingPayload = payloadType("ConfirmBookingPayload", "booking", Booking);
export const DeclineBookingPayload = payloadType("DeclineBookingPayload", "booking", Booking);
export const CancelBookingPayload = payloadType("CancelBookingPayload", "booking", Booking);
export const ApproveBookingPayload = payloadType("ApproveBookingPayload", "booking", Booking);
export const RejectBookingPayload = payloadType("RejectBookingPayload", "booking", Booking);
export const RecordVisitPayload = payloadType("RecordVisitPayload", "visit", Visit);
