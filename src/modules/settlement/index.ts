/** Settlement: delivered visits confirmed or disputed by their client, disputes resolved, payment runs and providers' statements. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { PaymentRunEntity } from "./payment-run.entity";
import { ProviderStatementEntity } from "./provider-statement.entity";
import {
  BudgetSettlementField,
  PaymentRunFields,
  ProviderSettlementField,
  ProviderStatementFields,
  SettlementMutations,
  SettlementQueries,
  StatementLineFields,
  VisitConfirmationFields,
  VisitSettlementFields,
} from "./settlement.resolver";
import { PeriodCloseMutations } from "./period-close.resolver";
import { StatementLineEntity } from "./statement-line.entity";
import { VisitConfirmationEntity } from "./visit-confirmation.entity";
import { VisitCorrectionEntity } from "./visit-correction.entity";

export * from "./settlement.enums";
/** Verbs: confirm, dispute, resolve, correct, confirmDue (the job). */
export { ConfirmationService } from "./confirmation.service";
/** Verbs: create, markPaid, findRun, findStatement, listRuns, listStatements, statementBatch. */
export { PaymentRunService } from "./payment-run.service";
/** Verbs: close (closeBudget). */
export { PeriodCloseService } from "./period-close.service";
export type * from "./settlement.commands";
export { createSettlementLoaders, type SettlementLoaders } from "./settlement.loaders";
export { initialsOf, isWindowClosed, confirmationDueAt, reversalPence } from "./settlement.rules";
export { remittanceCsv } from "./payment.http";
export type { Context as SettlementContext, SettlementServices } from "./context";

export const settlementModule = {
  entities: [VisitConfirmationEntity, VisitCorrectionEntity, PaymentRunEntity, ProviderStatementEntity, StatementLineEntity],
  resolvers: [
    SettlementMutations,
    SettlementQueries,
    PeriodCloseMutations,
    VisitSettlementFields,
    VisitConfirmationFields,
    ProviderStatementFields,
    StatementLineFields,
    PaymentRunFields,
    BudgetSettlementField,
    ProviderSettlementField,
  ],
  nodes: {
    PaymentRun: async (id, { viewer, services }) => (isUuid(id) ? services.paymentRuns.findRun(viewer, id) : null),
    ProviderStatement: async (id, { viewer, services }) => (isUuid(id) ? services.paymentRuns.findStatement(viewer, id) : null),
    StatementLine: async (id, { viewer, services, loaders }) => {
      const line = isUuid(id) ? await loaders.statementLineById.load(id) : null;
      return line && (await services.paymentRuns.findStatement(viewer, line.statementId)) ? line : null;
    },
  } satisfies Record<string, NodeFetcher<Context>>,
};
