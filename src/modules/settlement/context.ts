/**
 * The request context as the settlement module's resolvers see it: the brokers module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { BrokersContext } from "../brokers";
import type { ConfirmationService } from "./confirmation.service";
import type { PaymentRunService } from "./payment-run.service";
import type { PeriodCloseService } from "./period-close.service";
import type { SettlementLoaders } from "./settlement.loaders";

export interface SettlementServices {
  confirmations: ConfirmationService;
  paymentRuns: PaymentRunService;
  periodClose: PeriodCloseService;
}

export type Context = Extend<BrokersContext, SettlementServices, SettlementLoaders>;
