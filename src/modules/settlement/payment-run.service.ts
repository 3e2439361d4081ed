/**
 * Payment runs: every confirmed, unpaid visit of a funding body up to a day, one statement per
 * provider (and payer), atomically and once. Runs of one funding body take turns (an advisory
 * lock), and uq_statement_lines_visit_id holds, whatever the code does, that no visit is on two
 * statements.
 */
import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import { keysetPage, whereIdIs, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import { restrictTo } from "../../shared/scope";
import { londonDate, type Clock } from "../../shared/time";
import type { EventService } from "../events";
import type { ReferenceService } from "../reference";
import { PaymentRunEntity } from "./payment-run.entity";
import { ProviderStatementEntity } from "./provider-statement.entity";
import type { CreatePaymentRunCommand, MarkPaymentRunPaidCommand, PaymentRunSearch, StatementSearch } from "./settlement.commands";
import { PaymentRunStatus, StatementPayer, StatementStatus } from "./settlement.enums";
import { paymentRunPaid, statementPaid } from "./settlement.events";
import { GATHER } from "./settlement.queries";

const NEWEST_RUNS: Keyset<PaymentRunEntity> = { name: "PAYMENT_RUNS", keys: [{ sql: "r.id", cast: "uuid", of: (r) => r.id }], direction: "DESC" };
/** Newest run first (run ids are time-ordered), then by id. */
const NEWEST_STATEMENTS: Keyset<ProviderStatementEntity> = {
  name: "STATEMENTS",
  keys: [
    { sql: "s.payment_run_id", cast: "uuid", of: (s) => s.paymentRunId },
    { sql: "s.id", cast: "uuid", of: (s) => s.id },
  ],
  direction: "DESC",
};

export class PaymentRunService {
  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly events: EventService,
    private readonly clock: Clock,
  ) {}

  /** Whether the viewer manages a funding body's payments: its commissioners, admins. */
  managesPayments(viewer: Viewer | null, fundingBodyCode: string): boolean {
    return viewer !== null && (viewer.roles.has(Role.ADMIN) || (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode === fundingBodyCode));
  }

  /** Whether the viewer may see a statement: the provider's members, and those who manage the funding body's payments. */
  canSeeStatement(viewer: Viewer | null, statement: ProviderStatementEntity): boolean {
    return viewer !== null && (viewer.providerId === statement.providerId || this.managesPayments(viewer, statement.fundingBodyCode));
  }

  /**
   * A commissioner gathers every confirmed, unpaid visit of their funding body delivered up to
   * `upTo` (and every correction not yet shown) onto one statement per provider and payer.
   * Idempotent; NOTHING_TO_PAY when nothing is due (so concurrent runs make one run, not several).
   */
  async create(viewer: Viewer, command: CreatePaymentRunCommand): Promise<Result<PaymentRunEntity>> {
    const body = await this.reference.findFundingBody(command.fundingBodyCode);
    if (!body || !this.managesPayments(viewer, body.code)) return notFound("The funding body", ["fundingBodyCode"]);
    const now = this.clock.now();
    if (command.upTo > londonDate(now))
      return fail(UserErrorCode.INVALID_VALUE, "A payment run pays days already begun: give today or an earlier day.", ["upTo"]);
    try {
      return await transactionResult(this.db, (tx) =>
        once(
          tx,
          { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "createPaymentRun", input: command },
          () => this.gather(tx, viewer, body.code, command.upTo, now),
          (run) => run.id,
          (id) => tx.findOneBy(PaymentRunEntity, { id }),
        ),
      );
    } catch (error) {
      // Unreachable while runs take turns (the advisory lock); the constraint is the guarantee.
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_statement_lines_visit_id")) {
        return fail(UserErrorCode.INVALID_TRANSITION, "Another payment run took some of these visits at the same time: try again.", ["fundingBodyCode"]);
      }
      throw error;
    }
  }

  private async gather(tx: EntityManager, viewer: Viewer, fundingBodyCode: string, upTo: string, now: Date): Promise<Result<PaymentRunEntity>> {
    // Runs of one funding body take turns: the second sees what the first took (READ COMMITTED, statements after the lock).
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`settlement.paymentRun:${fundingBodyCode}`]);
    const run: PaymentRunEntity = {
      id: newId(),
      fundingBodyCode,
      upTo,
      status: PaymentRunStatus.DRAFT,
      totalPence: 0,
      fundingBodyPence: 0,
      statementCount: 0,
      lineCount: 0,
      paidOn: null,
      reference: null,
      createdByUserId: viewer.userId,
      createdAt: now,
    };
    await insertRows(tx, PaymentRunEntity, [run]);
    const [gathered]: { statements: number; lines: number; total: string; funding_body: string }[] = await tx.query(GATHER, [fundingBodyCode, upTo, run.id]);
    if (gathered.statements === 0) {
      return fail(UserErrorCode.NOTHING_TO_PAY, `No confirmed visit delivered up to ${upTo} is waiting to be paid: there is nothing to put on a statement.`, [
        "upTo",
      ]);
    }
    await tx.update(
      PaymentRunEntity,
      { id: run.id },
      { totalPence: Number(gathered.total), fundingBodyPence: Number(gathered.funding_body), statementCount: gathered.statements, lineCount: gathered.lines },
    );
    return ok(await tx.findOneByOrFail(PaymentRunEntity, { id: run.id }));
  }

  /**
   * Records that the funding body paid the run: the run and the statements it pays become PAID.
   * Statements payable by holders of direct payments stay ISSUED: the holder pays those.
   */
  async markPaid(viewer: Viewer, command: MarkPaymentRunPaidCommand): Promise<Result<PaymentRunEntity>> {
    const run = command.paymentRunId ? await this.db.manager.findOneBy(PaymentRunEntity, { id: command.paymentRunId }) : null;
    if (!run || !this.managesPayments(viewer, run.fundingBodyCode)) return notFound("The payment run", ["paymentRunId"]);
    if (!command.reference.trim()) return fail(UserErrorCode.INVALID_VALUE, "Give the payment's reference in the finance system.", ["reference"]);
    if (command.paidOn < londonDate(run.createdAt)) return fail(UserErrorCode.INVALID_VALUE, "A run is paid on or after the day it was made.", ["paidOn"]);
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "markPaymentRunPaid", input: command },
        async () => {
          const changed = await tx.update(
            PaymentRunEntity,
            { id: run.id, status: PaymentRunStatus.DRAFT },
            { status: PaymentRunStatus.PAID, paidOn: command.paidOn, reference: command.reference.trim() },
          );
          if (changed.affected !== 1) return fail(UserErrorCode.INVALID_TRANSITION, "This payment run is already paid.", ["paymentRunId"]);
          await tx.update(ProviderStatementEntity, { paymentRunId: run.id, payer: StatementPayer.FUNDING_BODY }, { status: StatementStatus.PAID });
          const paid = await tx.findOneByOrFail(PaymentRunEntity, { id: run.id });
          // The commissioners hear of the run; each provider of its own statement paid (in id order).
          await this.events.record(tx, paymentRunPaid(paid));
          const statements = await tx.find(ProviderStatementEntity, { where: { paymentRunId: run.id, status: StatementStatus.PAID }, order: { id: "ASC" } });
          for (const statement of statements) await this.events.record(tx, statementPaid(paid, statement));
          return ok(paid);
        },
        (r) => r.id,
        (id) => tx.findOneBy(PaymentRunEntity, { id }),
      ),
    );
  }

  async findRun(viewer: Viewer | null, id: string | null): Promise<PaymentRunEntity | null> {
    const run = id ? await this.db.manager.findOneBy(PaymentRunEntity, { id }) : null;
    return run && this.managesPayments(viewer, run.fundingBodyCode) ? run : null;
  }

  async findStatement(viewer: Viewer | null, id: string | null): Promise<ProviderStatementEntity | null> {
    const statement = id ? await this.db.manager.findOneBy(ProviderStatementEntity, { id }) : null;
    return statement && this.canSeeStatement(viewer, statement) ? statement : null;
  }

  /** Payment runs of the viewer's funding body (every one for an admin), newest first. */
  listRuns(viewer: Viewer, search: PaymentRunSearch, page: PageRequest): Promise<Connection<PaymentRunEntity>> {
    const query = this.db.getRepository(PaymentRunEntity).createQueryBuilder("r");
    scopeToFundingBody(query, viewer, "r.funding_body_code");
    if (search.fundingBodyCode) query.andWhere("r.funding_body_code = :code", { code: search.fundingBodyCode });
    if (search.statuses?.length) query.andWhere("r.status IN (:...statuses)", { statuses: search.statuses });
    return keysetPage(query, NEWEST_RUNS, page);
  }

  /** Statements the viewer may see, newest first: a provider's own; a commissioner's funding body's; every one for an admin. */
  listStatements(viewer: Viewer, search: StatementSearch, page: PageRequest): Promise<Connection<ProviderStatementEntity>> {
    const query = this.db.getRepository(ProviderStatementEntity).createQueryBuilder("s");
    const conditions: string[] = [];
    const params: Record<string, unknown> = {};
    if (viewer.roles.has(Role.ADMIN)) conditions.push("true");
    if (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode) {
      conditions.push("s.funding_body_code = :fundingBodyCode");
      params.fundingBodyCode = viewer.fundingBodyCode;
    }
    if (viewer.providerId) {
      conditions.push("s.provider_id = :providerId");
      params.providerId = viewer.providerId;
    }
    restrictTo(query, conditions, params);
    whereIdIs(query, "s.payment_run_id", search.paymentRunId);
    whereIdIs(query, "s.provider_id", search.providerId);
    if (search.statuses?.length) query.andWhere("s.status IN (:...statuses)", { statuses: search.statuses });
    return keysetPage(query, NEWEST_STATEMENTS, page);
  }

  /** A run's statements in id order, `size` at a time after `afterId`: what the remittance file streams. */
  statementBatch(runId: string, afterId: string | null, size: number): Promise<Record<string, unknown>[]> {
    return this.db.query(
      `SELECT s.id, s.provider_id, p.name AS provider_name, s.payer, s.period_start::text, s.period_end::text, s.line_count, s.total_pence, s.status
       FROM provider_statements s JOIN providers p ON p.id = s.provider_id
       WHERE s.payment_run_id = $1 AND ($2::uuid IS NULL OR s.id > $2::uuid) ORDER BY s.id LIMIT $3`,
      [runId, afterId, size],
    );
  }
}

function scopeToFundingBody<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, viewer: Viewer, column: string): void {
  if (viewer.roles.has(Role.ADMIN)) return void restrictTo(query, ["true"], {});
  restrictTo(query, viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode ? [`${column} = :fundingBodyCode`] : [], {
    fundingBodyCode: viewer.fundingBodyCode,
  });
}
