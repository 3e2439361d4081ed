/**
 * The events settlement records (events.record in the change's own transaction): what the body's
 * `data` carries (global ids, no personal data: no dispute reason, no client's name) and who may hear it.
 */
import { toGlobalId } from "../../shared/ids";
import type { BookingView, VisitView } from "../bookings";
import { EventType, type NewEvent } from "../events";
import type { PaymentRunEntity } from "./payment-run.entity";
import type { ProviderStatementEntity } from "./provider-statement.entity";

/** VISIT_DISPUTED: the provider, those who act for the client, the funding body's commissioners. */
export function visitDisputed(visit: VisitView, booking: BookingView): NewEvent {
  return {
    type: EventType.VISIT_DISPUTED,
    data: {
      visitId: toGlobalId("Visit", visit.id),
      bookingId: toGlobalId("Booking", booking.id),
      providerId: toGlobalId("Provider", booking.providerId),
      startsAt: visit.startsAt.toISOString(),
    },
    audience: { providerId: booking.providerId, clientId: booking.clientId, fundingBodyCode: booking.fundingBodyCode },
  };
}

/** PAYMENT_RUN_PAID for the funding body's commissioners: the run as a whole. */
export function paymentRunPaid(run: PaymentRunEntity): NewEvent {
  return {
    type: EventType.PAYMENT_RUN_PAID,
    data: {
      paymentRunId: toGlobalId("PaymentRun", run.id),
      fundingBodyCode: run.fundingBodyCode,
      paidOn: run.paidOn,
      statementCount: run.statementCount,
    },
    audience: { fundingBodyCode: run.fundingBodyCode },
  };
}

/**
 * PAYMENT_RUN_PAID for one provider: its own statement, paid. The audience is the provider alone
 * (no funding body: its commissioners hear of the run once), and nothing of other providers' statements.
 */
export function statementPaid(run: PaymentRunEntity, statement: ProviderStatementEntity): NewEvent {
  return {
    type: EventType.PAYMENT_RUN_PAID,
    data: {
      paymentRunId: toGlobalId("PaymentRun", run.id),
      statementId: toGlobalId("ProviderStatement", statement.id),
      providerId: toGlobalId("Provider", statement.providerId),
      paidOn: run.paidOn,
    },
    audience: { providerId: statement.providerId },
  };
}
