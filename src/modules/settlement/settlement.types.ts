import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { Visit } from "../bookings";
import { Budget } from "../budgets";
import { ConfirmationStatus, DisputeResolution, PaymentRunStatus, StatementPayer, StatementStatus } from "./settlement.enums";

registerEnumType(ConfirmationStatus, { name: "ConfirmationStatus", description: "Where a delivered visit stands with the person who received it." });
registerEnumType(DisputeResolution, { name: "DisputeResolution", description: "UPHELD reverses the disputed units; REJECTED confirms the visit." });
registerEnumType(StatementStatus, { name: "StatementStatus" });
registerEnumType(PaymentRunStatus, { name: "PaymentRunStatus" });
registerEnumType(StatementPayer, {
  name: "StatementPayer",
  description: "Who pays a statement: the funding body, or the holder of a direct payment who pays the provider themselves.",
});

@ObjectType({ description: "The client's answer to a delivered visit, and a commissioner's resolution of a dispute." })
export class VisitConfirmation {
  @Field(() => ConfirmationStatus)
  status!: ConfirmationStatus;

  /** Who gave the answer now in force (the resolver of a dispute); null: nobody yet, or the window. */
  byUserId!: string | null;

  @Field(() => Date, { nullable: true, description: "When the status was reached; null while AWAITING." })
  at!: Date | null;

  @Field({ description: "The dispute's reason; empty when there was none." })
  reason!: string;

  @Field({ description: "The commissioner's note on resolving a dispute." })
  resolutionNote!: string;

  @Field(() => Date, { description: "When a visit nobody answers is confirmed: its funding body's visitConfirmationDays after it was recorded." })
  dueAt!: Date;

  @Field(() => Float, { description: "Units reversed: by an upheld dispute and by corrections." })
  reversedUnits!: number;

  @Field(() => Pence, { description: "Spend reversed: by an upheld dispute and by corrections (REVERSAL ledger entries)." })
  reversedPence!: number;
}

@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description: "One line of a provider's statement: a confirmed visit, or a correction of one (negative).",
})
export class StatementLine extends Node {
  @Field({ description: "The client's initials only." })
  clientInitials!: string;

  @Field(() => LocalDate, { description: "The visit's day (London)." })
  deliveredOn!: string;

  @Field(() => Float)
  units!: number;

  @Field(() => Pence)
  unitPricePence!: number;

  @Field(() => Pence, { description: "What the line pays; negative for a correction." })
  amountPence!: number;

  @Field({ description: "A correction of a visit paid before (or paid on this statement)." })
  isCorrection!: boolean;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "What a payment run owes one provider, from one payer." })
export class ProviderStatement extends Node {
  @Field(() => LocalDate, { description: "The first day of delivery on the statement." })
  periodStart!: string;

  @Field(() => LocalDate, { description: "The payment run's day." })
  periodEnd!: string;

  @Field(() => StatementStatus)
  status!: StatementStatus;

  @Field(() => Pence)
  totalPence!: number;

  @Field(() => Int)
  lineCount!: number;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A funding body's payment of every confirmed, unpaid visit up to a day." })
export class PaymentRun extends Node {
  @Field(() => LocalDate)
  upTo!: string;

  @Field(() => PaymentRunStatus)
  status!: PaymentRunStatus;

  @Field(() => Pence, { description: "Every statement's total, whoever pays it." })
  totalPence!: number;

  @Field(() => Pence, { description: "What the funding body pays (statements payable by holders of direct payments left out)." })
  fundingBodyPence!: number;

  @Field(() => Int)
  statementCount!: number;

  @Field(() => Int)
  lineCount!: number;

  @Field(() => LocalDate, { nullable: true })
  paidOn!: string | null;

  @Field(() => String, { nullable: true, description: "The finance system's payment reference." })
  reference!: string | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ description: "A budget's delivered spend by where it stands: awaiting confirmation, confirmed, disputed, reversed, paid." })
export class BudgetSettlement {
  @Field(() => Pence, { description: "Delivered visits neither confirmed nor disputed yet." })
  awaitingConfirmationPence!: number;

  @Field(() => Pence, { description: "Confirmed (by the client, the window or a rejected dispute), net of reversals." })
  confirmedPence!: number;

  @Field(() => Pence, { description: "Disputed, waiting for the commissioner." })
  disputedPence!: number;

  @Field(() => Pence, { description: "Reversed by upheld disputes and corrections." })
  reversedPence!: number;

  @Field(() => Pence, { description: "On statements the funding body has paid (corrections deducted)." })
  paidPence!: number;

  @Field(() => Pence, { description: "On statements, paid or not (corrections deducted)." })
  onStatementsPence!: number;
}

@ObjectType({ description: "What a provider is owed: only its own members (and admins) see this." })
export class ProviderSettlement {
  @Field(() => Pence, { description: "Delivered visits waiting for the client's confirmation." })
  awaitingConfirmationPence!: number;

  @Field(() => Pence, { description: "Confirmed visits on no statement yet: the next payment run pays them." })
  confirmedUnpaidPence!: number;

  @Field(() => Pence, { description: "Disputed visits, waiting for the commissioner." })
  disputedPence!: number;

  @Field(() => Pence, { description: "On statements not yet paid." })
  issuedPence!: number;

  @Field(() => Pence, { description: "On paid statements." })
  paidPence!: number;
}

export { Visit };
export const StatementLineConnection = connectionType(StatementLine);
export const ProviderStatementConnection = connectionType(ProviderStatement);
export const PaymentRunConnection = connectionType(PaymentRun);
export const ConfirmVisitPayload = payloadType("ConfirmVisitPayload", "visit", Visit);
export const DisputeVisitPayload = payloadType("DisputeVisitPayload", "visit", Visit);
export const ResolveVisitDisputePayload = payloadType("ResolveVisitDisputePayload", "visit", Visit);
export const CorrectVisitPayload = payloadType("CorrectVisitPayload", "visit", Visit);
export const CreatePaymentRunPayload = payloadType("CreatePaymentRunPayload", "paymentRun", PaymentRun);
export const MarkPaymentRunPaidPayload = payloadType("MarkPaymentRunPaidPayload", "paymentRun", PaymentRun);
export const CloseBudgetPayload = payloadType("CloseBudgetPayload", "budget", Budget);
