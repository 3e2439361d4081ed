import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { optionalUuidOf, toGlobalId, uuidOf } from "../../shared/ids";
import { Connection, PageArgs } from "../../shared/pagination";
import { User, type UserView } from "../auth";
import { VisitStatus, type VisitView } from "../bookings";
import { Budget, type BudgetView } from "../budgets";
import { Provider, type ProviderView } from "../providers";
import { FundingBody, type FundingBodyView } from "../reference";
import type { PaymentRunEntity } from "./payment-run.entity";
import type { ProviderStatementEntity } from "./provider-statement.entity";
import {
  ConfirmVisitInput,
  CorrectVisitInput,
  CreatePaymentRunInput,
  DisputeVisitInput,
  MarkPaymentRunPaidInput,
  PaymentRunFilter,
  ResolveVisitDisputeInput,
  StatementFilter,
} from "./settlement.inputs";
import { ConfirmationStatus, StatementPayer } from "./settlement.enums";
import { lineCursor, runStatementCursor } from "./settlement.loaders";
import { confirmationDueAt } from "./settlement.rules";
import {
  BudgetSettlement,
  ConfirmVisitPayload,
  CorrectVisitPayload,
  CreatePaymentRunPayload,
  DisputeVisitPayload,
  MarkPaymentRunPaidPayload,
  PaymentRun,
  PaymentRunConnection,
  ProviderSettlement,
  ProviderStatement,
  ProviderStatementConnection,
  ResolveVisitDisputePayload,
  StatementLine,
  StatementLineConnection,
  Visit,
  VisitConfirmation,
} from "./settlement.types";
import type { StatementLineEntity } from "./statement-line.entity";

@Authorized()
@Resolver()
export class SettlementMutations {
  @Authorized(Role.CLIENT, Role.BROKER)
  @Mutation(() => ConfirmVisitPayload, { description: "The client (or their broker) confirms a delivered visit: it becomes payable. Idempotent." })
  async confirmVisit(@Arg("input") input: ConfirmVisitInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload(
      "visit",
      await services.confirmations.confirm(signedIn(viewer), { visitId: uuidOf(input.visitId, "Visit"), idempotencyKey: input.idempotencyKey }),
    );
  }

  @Authorized(Role.CLIENT, Role.BROKER)
  @Mutation(() => DisputeVisitPayload, {
    description: "The client (or their broker) disputes a delivered visit within the funding body's window: it is not paid until a commissioner resolves it.",
  })
  async disputeVisit(@Arg("input") input: DisputeVisitInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload(
      "visit",
      await services.confirmations.dispute(signedIn(viewer), {
        visitId: uuidOf(input.visitId, "Visit"),
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => ResolveVisitDisputePayload, {
    description: "A commissioner resolves a dispute: UPHELD reverses the units (all unless given) with a REVERSAL ledger entry; REJECTED confirms.",
  })
  async resolveVisitDispute(@Arg("input") input: ResolveVisitDisputeInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload(
      "visit",
      await services.confirmations.resolve(signedIn(viewer), {
        visitId: uuidOf(input.visitId, "Visit"),
        resolution: input.resolution,
        units: input.units ?? null,
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => CorrectVisitPayload, {
    description:
      "A commissioner corrects a confirmed visit (e.g. one already paid): a REVERSAL ledger entry now, a negative line on the provider's next statement.",
  })
  async correctVisit(@Arg("input") input: CorrectVisitInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload(
      "visit",
      await services.confirmations.correct(signedIn(viewer), {
        visitId: uuidOf(input.visitId, "Visit"),
        units: input.units,
        reason: input.reason,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => CreatePaymentRunPayload, {
    description: "Puts every confirmed, unpaid visit up to a day on one statement per provider (and payer), at once and once. Idempotent.",
  })
  async createPaymentRun(@Arg("input") input: CreatePaymentRunInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload(
      "paymentRun",
      await services.paymentRuns.create(signedIn(viewer), { fundingBodyCode: input.fundingBodyCode, upTo: input.upTo, idempotencyKey: input.idempotencyKey }),
    );
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Mutation(() => MarkPaymentRunPaidPayload, { description: "Records that the funding body paid the run: it and the statements it pays become PAID." })
  async markPaymentRunPaid(@Arg("input") input: MarkPaymentRunPaidInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload(
      "paymentRun",
      await services.paymentRuns.markPaid(signedIn(viewer), {
        paymentRunId: uuidOf(input.paymentRunId, "PaymentRun"),
        paidOn: input.paidOn,
        reference: input.reference,
        idempotencyKey: input.idempotencyKey,
      }),
    );
  }
}

@Authorized()
@Resolver()
export class SettlementQueries {
  @Authorized(Role.PROVIDER, Role.COMMISSIONER, Role.ADMIN)
  @Query(() => ProviderStatementConnection, {
    description: "Statements you may see, newest first: your provider's own, or your funding body's.",
  })
  statements(
    @Arg("filter", () => StatementFilter, { nullable: true }) filter: StatementFilter | null,
    @Args() page: PageArgs,
    @Ctx() { viewer, services }: Context,
  ): Promise<Connection<ProviderStatementEntity>> {
    return services.paymentRuns.listStatements(
      signedIn(viewer),
      {
        paymentRunId: optionalUuidOf(filter?.paymentRunId, "PaymentRun"),
        providerId: optionalUuidOf(filter?.providerId, "Provider"),
        statuses: filter?.statuses ?? undefined,
      },
      page,
    );
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Query(() => PaymentRunConnection, { description: "Your funding body's payment runs, newest first." })
  paymentRuns(
    @Arg("filter", () => PaymentRunFilter, { nullable: true }) filter: PaymentRunFilter | null,
    @Args() page: PageArgs,
    @Ctx() { viewer, services }: Context,
  ): Promise<Connection<PaymentRunEntity>> {
    return services.paymentRuns.listRuns(
      signedIn(viewer),
      { fundingBodyCode: filter?.fundingBodyCode ?? undefined, statuses: filter?.statuses ?? undefined },
      page,
    );
  }

  @Authorized(Role.COMMISSIONER, Role.ADMIN)
  @Query(() => PaymentRun, { nullable: true })
  paymentRun(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<PaymentRunEntity | null> {
    return services.paymentRuns.findRun(viewer, uuidOf(id, "PaymentRun"));
  }

  @Authorized(Role.PROVIDER, Role.COMMISSIONER, Role.ADMIN)
  @Query(() => ProviderStatement, { nullable: true })
  statement(@Arg("id", () => ID) id: string, @Ctx() { viewer, services }: Context): Promise<ProviderStatementEntity | null> {
    return services.paymentRuns.findStatement(viewer, uuidOf(id, "ProviderStatement"));
  }
}

@Resolver(() => Visit)
export class VisitSettlementFields {
  @FieldResolver(() => VisitConfirmation, { nullable: true, description: "The client's answer to a delivered visit; null until delivered." })
  async confirmation(@Root() visit: VisitView, @Ctx() { loaders }: Context): Promise<VisitConfirmation | null> {
    if (visit.status !== VisitStatus.DELIVERED || !visit.recordedAt) return null;
    const [answer, corrections, booking] = await Promise.all([
      loaders.confirmationOfVisit.load(visit.id),
      loaders.correctionsOfVisit.load(visit.id),
      loaders.bookingById.load(visit.bookingId),
    ]);
    const body = booking ? await loaders.fundingBodyByCode.load(booking.fundingBodyCode) : null;
    return {
      status: answer?.status ?? ConfirmationStatus.AWAITING,
      byUserId: answer ? (answer.resolvedByUserId ?? answer.byUserId) : null,
      at: answer ? (answer.resolvedAt ?? answer.at) : null,
      reason: answer?.reason ?? "",
      resolutionNote: answer?.resolutionNote ?? "",
      dueAt: confirmationDueAt(visit.recordedAt, body?.visitConfirmationDays ?? 7),
      reversedUnits: Math.round(((answer?.upheldUnits ?? 0) + corrections.units) * 100) / 100,
      reversedPence: (answer?.upheldPence ?? 0) + corrections.pence,
    };
  }

  @FieldResolver(() => ProviderStatement, { nullable: true, description: "The statement that pays the visit; null until a payment run takes it." })
  async statement(@Root() visit: VisitView, @Ctx() { viewer, loaders, services }: Context): Promise<ProviderStatementEntity | null> {
    const line = await loaders.lineOfVisit.load(visit.id);
    const statement = line ? await loaders.statementById.load(line.statementId) : null;
    return statement && services.paymentRuns.canSeeStatement(viewer, statement) ? statement : null;
  }
}

@Resolver(() => VisitConfirmation)
export class VisitConfirmationFields {
  @FieldResolver(() => User, {
    nullable: true,
    description: "Who gave the answer in force (the commissioner, once resolved); null: the window, or nobody yet.",
  })
  by(@Root() confirmation: VisitConfirmation, @Ctx() { viewer, services }: Context): Promise<UserView | null> | null {
    return confirmation.byUserId ? services.users.findVisible(viewer, confirmation.byUserId) : null;
  }
}

@Resolver(() => ProviderStatement)
export class ProviderStatementFields {
  @FieldResolver(() => ID)
  id(@Root() statement: ProviderStatementEntity): string {
    return toGlobalId("ProviderStatement", statement.id);
  }

  @FieldResolver(() => Provider)
  provider(@Root() statement: ProviderStatementEntity, @Ctx() { loaders }: Context): ProviderView | null | Promise<ProviderView | null> {
    return loaders.providerById.loadNow(statement.providerId);
  }

  @FieldResolver(() => FundingBody)
  fundingBody(@Root() statement: ProviderStatementEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> {
    return loaders.fundingBodyByCode.load(statement.fundingBodyCode);
  }

  @FieldResolver(() => String, { nullable: true, description: "The initials of the direct payment's holder who pays it; null when the funding body pays." })
  async holderInitials(@Root() statement: ProviderStatementEntity, @Ctx() { loaders }: Context): Promise<string | null> {
    if (!statement.holderClientId) return null;
    const client = await loaders.clientById.load(statement.holderClientId);
    return client
      ? client.displayName
          .trim()
          .split(/\s+/)
          .map((w) => w[0].toUpperCase())
          .join("")
      : null;
  }

  @FieldResolver(() => StatementLineConnection, { description: "The lines by day." })
  async lines(@Root() statement: ProviderStatementEntity, @Args() { first, after }: PageArgs, @Ctx() { loaders }: Context) {
    const rows = await loaders.linesOfStatement(first, after ?? null).load(statement.id);
    return new Connection(rows, first, lineCursor, () => Promise.resolve(statement.lineCount));
  }

  @FieldResolver(() => PaymentRun, { nullable: true, description: "The run it belongs to; null for the provider (the run is the funding body's)." })
  async paymentRun(@Root() statement: ProviderStatementEntity, @Ctx() { viewer, loaders, services }: Context): Promise<PaymentRunEntity | null> {
    return services.paymentRuns.managesPayments(viewer, statement.fundingBodyCode) ? loaders.paymentRunById.load(statement.paymentRunId) : null;
  }

  @FieldResolver(() => StatementPayer, { description: "BUDGET_HOLDER: a direct payment's holder pays this statement, not the funding body." })
  payableBy(@Root() statement: ProviderStatementEntity): StatementPayer {
    return statement.payer;
  }
}

@Resolver(() => StatementLine)
export class StatementLineFields {
  @FieldResolver(() => ID)
  id(@Root() line: StatementLineEntity): string {
    return toGlobalId("StatementLine", line.id);
  }

  @FieldResolver(() => Visit, { description: "The visit the line pays (or corrects)." })
  visit(@Root() line: StatementLineEntity, @Ctx() { loaders }: Context): Promise<VisitView | null> {
    return loaders.visitById.load(line.subjectVisitId);
  }

  @FieldResolver(() => Boolean)
  isCorrection(@Root() line: StatementLineEntity): boolean {
    return line.correctionId !== null;
  }
}

@Resolver(() => PaymentRun)
export class PaymentRunFields {
  @FieldResolver(() => ID)
  id(@Root() run: PaymentRunEntity): string {
    return toGlobalId("PaymentRun", run.id);
  }

  @FieldResolver(() => FundingBody)
  fundingBody(@Root() run: PaymentRunEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> {
    return loaders.fundingBodyByCode.load(run.fundingBodyCode);
  }

  @FieldResolver(() => ProviderStatementConnection, { description: "Its statements, one per provider and payer." })
  async statements(@Root() run: PaymentRunEntity, @Args() { first, after }: PageArgs, @Ctx() { loaders }: Context) {
    const rows = await loaders.statementsOfRun(first, after ?? null).load(run.id);
    return new Connection(rows, first, runStatementCursor, () => Promise.resolve(run.statementCount));
  }
}

@Resolver(() => Budget)
export class BudgetSettlementField {
  @FieldResolver(() => BudgetSettlement, {
    description: "Delivered spend by where it stands: awaiting confirmation apart from confirmed, disputed, reversed and paid.",
  })
  settlement(@Root() budget: BudgetView, @Ctx() { loaders }: Context): Promise<BudgetSettlement> {
    return loaders.settlementOfBudget.load(budget.id);
  }
}

@Resolver(() => Provider)
export class ProviderSettlementField {
  @FieldResolver(() => ProviderSettlement, { nullable: true, description: "What the provider is owed; null except for its own members and admins." })
  async settlement(@Root() provider: ProviderView, @Ctx() { viewer, loaders }: Context): Promise<ProviderSettlement | null> {
    if (!viewer || !(viewer.providerId === provider.id || viewer.roles.has(Role.ADMIN))) return null;
    return loaders.settlementOfProvider.load(provider.id);
  }
}
