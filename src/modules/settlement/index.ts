/** Settlement: delivered visits confirmed or disputed by their client, payment runs and providers' statements. */
import { PaymentRunEntity } from "./payment-run.entity";
import { ProviderStatementEntity } from "./provider-statement.entity";
import { StatementLineEntity } from "./statement-line.entity";
import { VisitConfirmationEntity } from "./visit-confirmation.entity";
import { VisitCorrectionEntity } from "./visit-correction.entity";

export const settlementModule = {
  entities: [VisitConfirmationEntity, VisitCorrectionEntity, PaymentRunEntity, ProviderStatementEntity, StatementLineEntity],
  resolvers: [],
  nodes: {},
};
