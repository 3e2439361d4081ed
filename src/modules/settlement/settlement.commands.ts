/** What the settlement module's services are asked to do: plain commands (raw uuids, null for a bad id), no GraphQL. */
import type { DisputeResolution, PaymentRunStatus, StatementStatus } from "./settlement.enums";

export interface ConfirmVisitCommand {
  visitId: string | null;
  idempotencyKey: string;
}

export interface DisputeVisitCommand {
  visitId: string | null;
  reason: string;
  idempotencyKey: string;
}

export interface ResolveVisitDisputeCommand {
  visitId: string | null;
  resolution: DisputeResolution;
  /** UPHELD: the units reversed; null: all of them. */
  units: number | null;
  reason: string;
  idempotencyKey: string;
}

export interface CorrectVisitCommand {
  visitId: string | null;
  units: number;
  reason: string;
  idempotencyKey: string;
}

export interface CreatePaymentRunCommand {
  fundingBodyCode: string;
  /** The last London day of delivery it pays. */
  upTo: string;
  idempotencyKey: string;
}

export interface MarkPaymentRunPaidCommand {
  paymentRunId: string | null;
  paidOn: string;
  reference: string;
  idempotencyKey: string;
}

export interface StatementSearch {
  paymentRunId?: string | null;
  providerId?: string | null;
  statuses?: StatementStatus[];
}

export interface PaymentRunSearch {
  fundingBodyCode?: string;
  statuses?: PaymentRunStatus[];
}
