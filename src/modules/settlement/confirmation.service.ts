/**
 * Confirmation of delivered visits: the client (or their broker) confirms or disputes each one; a
 * commissioner resolves a dispute (UPHELD reverses spend with REVERSAL ledger entries, REJECTED
 * confirms) or corrects a confirmed visit; the window confirms the rest (confirmDue, a job).
 */
import type { DataSource, EntityManager } from "typeorm";
import type { Viewer } from "../../shared/auth";
import { transactionResult } from "../../shared/db";
import { fail, notFound, ok, UserErrorCode, type Result } from "../../shared/errors";
import { once } from "../../shared/idempotency";
import { newId } from "../../shared/ids";
import type { Clock } from "../../shared/time";
import { VisitStatus, type BookingService, type BookingView, type VisitService, type VisitView } from "../bookings";
import { canManage, type BudgetService, type ClientView } from "../budgets";
import type { EventService } from "../events";
import type { ReferenceService } from "../reference";
import type { ConfirmVisitCommand, CorrectVisitCommand, DisputeVisitCommand, ResolveVisitDisputeCommand } from "./settlement.commands";
import { ConfirmationStatus, DisputeResolution } from "./settlement.enums";
import { canAnswerFor, isAnswered, isReversible, isWindowClosed, reversalPence } from "./settlement.rules";
import { visitDisputed } from "./settlement.events";
import { VisitConfirmationEntity } from "./visit-confirmation.entity";
import { VisitCorrectionEntity } from "./visit-correction.entity";

/** The key of the advisory lock the confirmation job holds while it runs (one process at a time). */
const CONFIRM_DUE_LOCK = "settlement.confirmDue";

interface DeliveredVisit {
  visit: VisitView;
  booking: BookingView;
  client: ClientView;
  windowDays: number;
}

export class ConfirmationService {
  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly budgets: BudgetService,
    private readonly bookings: BookingService,
    private readonly visits: VisitService,
    private readonly events: EventService,
    private readonly clock: Clock,
  ) {}

  /** The client or their broker confirms a delivered visit: it becomes payable. */
  confirm(viewer: Viewer, command: ConfirmVisitCommand): Promise<Result<VisitView>> {
    return this.answer(viewer, command, "confirmVisit", ConfirmationStatus.CONFIRMED, "");
  }

  /** The client or their broker disputes a delivered visit, within the window: it is not paid until a commissioner resolves it. */
  dispute(viewer: Viewer, command: DisputeVisitCommand): Promise<Result<VisitView>> {
    if (!command.reason.trim()) return Promise.resolve(fail(UserErrorCode.INVALID_VALUE, "Say what was wrong with the visit.", ["reason"]));
    return this.answer(viewer, command, "disputeVisit", ConfirmationStatus.DISPUTED, command.reason.trim());
  }

  /**
   * One answer per visit: the confirmation row's primary key decides a race between a confirmation,
   * a dispute and the window (INSERT … ON CONFLICT DO NOTHING; the loser reads the winner's answer).
   */
  private answer(
    viewer: Viewer,
    command: ConfirmVisitCommand,
    operation: "confirmVisit" | "disputeVisit",
    status: ConfirmationStatus,
    reason: string,
  ): Promise<Result<VisitView>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation, input: command },
        async () => {
          const found = await this.delivered(tx, viewer, command.visitId, (client) => canAnswerFor(viewer, client));
          if (!found.ok) return found;
          const { visit, booking, windowDays } = found.value;
          const now = this.clock.now();
          const existing = await tx.findOneBy(VisitConfirmationEntity, { visitId: visit.id });
          if (existing) return this.refusal(tx, existing, operation);
          if (status === ConfirmationStatus.DISPUTED && isWindowClosed(visit.recordedAt!, windowDays, now)) return windowClosed(windowDays);
          const inserted: unknown[] = await tx.query(
            `INSERT INTO visit_confirmations (visit_id, visit_starts_at, status, by_user_id, at, reason) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (visit_id) DO NOTHING RETURNING visit_id`,
            [visit.id, visit.startsAt, status, viewer.userId, now, reason],
          );
          if (inserted.length === 0) return this.refusal(tx, await tx.findOneByOrFail(VisitConfirmationEntity, { visitId: visit.id }), operation);
          if (status === ConfirmationStatus.DISPUTED) await this.events.record(tx, visitDisputed(visit, booking));
          return ok(visit);
        },
        (visit) => visit.id,
        (id) => this.visits.byId(tx, id),
      ),
    );
  }

  /** Why a visit already answered cannot be answered again. */
  private async refusal(tx: EntityManager, existing: VisitConfirmationEntity, operation: "confirmVisit" | "disputeVisit"): Promise<Result<never>> {
    const [paid]: { delivered_on: string }[] = await tx.query("SELECT delivered_on FROM statement_lines WHERE visit_id = $1", [existing.visitId]);
    if (paid && operation === "disputeVisit") {
      return fail(
        UserErrorCode.ALREADY_PAID,
        "This visit is already on a provider's statement: ask the commissioner to correct it (a reversing entry shown on the provider's next statement).",
        ["visitId"],
      );
    }
    if (existing.status === ConfirmationStatus.DISPUTED) {
      return fail(
        UserErrorCode.INVALID_TRANSITION,
        operation === "disputeVisit"
          ? "This visit is already disputed: the commissioner will resolve the dispute."
          : "This visit is disputed: the commissioner resolves the dispute, which confirms the visit or reverses it.",
        ["visitId"],
      );
    }
    if (operation === "disputeVisit" && existing.byUserId === null) {
      return fail(
        UserErrorCode.CONFIRMATION_WINDOW_CLOSED,
        "The window for disputing this visit has passed and it was confirmed: ask the commissioner to correct it.",
        ["visitId"],
      );
    }
    return fail(UserErrorCode.INVALID_TRANSITION, `This visit was already answered (${existing.status}).`, ["visitId"]);
  }

  /**
   * A commissioner of the client's funding body resolves a dispute: UPHELD reverses the units
   * (all unless given) with a REVERSAL ledger entry, REJECTED confirms the visit. Locks: key,
   * budget, then the confirmation row (compare-and-swap on DISPUTED).
   */
  resolve(viewer: Viewer, command: ResolveVisitDisputeCommand): Promise<Result<VisitView>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "resolveVisitDispute", input: command },
        async () => {
          const found = await this.delivered(tx, viewer, command.visitId, (client) => canManage(viewer, client));
          if (!found.ok) return found;
          const { visit, booking } = found.value;
          const upheld = command.resolution === DisputeResolution.UPHELD;
          const units = upheld ? (command.units ?? visit.units) : 0;
          if (upheld && !isReversible(units, visit.units)) {
            return fail(UserErrorCode.INVALID_VALUE, `Uphold from 0.01 to ${visit.units} unit(s), with at most two decimals (leave units out for all).`, [
              "units",
            ]);
          }
          if (!upheld && command.units !== null) return fail(UserErrorCode.INVALID_VALUE, "A rejected dispute reverses nothing: leave units out.", ["units"]);
          const budget = await this.budgets.lock(tx, booking.budgetId);
          if (!budget) return notFound("The visit", ["visitId"]);
          const pence = upheld ? reversalPence(visit, { units: 0, pence: 0 }, units) : 0;
          const now = this.clock.now();
          const changed = await tx.update(
            VisitConfirmationEntity,
            { visitId: visit.id, status: ConfirmationStatus.DISPUTED },
            {
              status: upheld ? ConfirmationStatus.UPHELD : ConfirmationStatus.REJECTED,
              resolvedByUserId: viewer.userId,
              resolvedAt: now,
              resolutionNote: command.reason.trim(),
              upheldUnits: units,
              upheldPence: pence,
            },
          );
          if (changed.affected !== 1) {
            const current = await tx.findOneBy(VisitConfirmationEntity, { visitId: visit.id });
            return fail(UserErrorCode.INVALID_TRANSITION, `Only a disputed visit is resolved; this one is ${current?.status ?? ConfirmationStatus.AWAITING}.`, [
              "visitId",
            ]);
          }
          if (pence > 0) {
            const reversed = await this.budgets.reverse(
              tx,
              budget,
              { bookingId: booking.id, amountPence: pence, memo: `dispute upheld: visit ${visit.startsAt.toISOString()}, ${units} unit(s)` },
              viewer.userId,
            );
            if (!reversed.ok) return reversed;
          }
          return ok(visit);
        },
        (v) => v.id,
        (id) => this.visits.byId(tx, id),
      ),
    );
  }

  /**
   * A commissioner corrects an answered visit, typically one already paid: a REVERSAL ledger
   * entry now, and a negative line on the provider's next statement. Locks: key, budget, then the
   * confirmation row (so corrections of one visit take turns and never reverse more than it cost).
   */
  correct(viewer: Viewer, command: CorrectVisitCommand): Promise<Result<VisitView>> {
    return transactionResult(this.db, (tx) =>
      once(
        tx,
        { actorUserId: viewer.userId, key: command.idempotencyKey, operation: "correctVisit", input: command },
        async () => {
          if (!command.reason.trim()) return fail(UserErrorCode.INVALID_VALUE, "Say why the visit is corrected.", ["reason"]);
          const found = await this.delivered(tx, viewer, command.visitId, (client) => canManage(viewer, client));
          if (!found.ok) return found;
          const { visit, booking } = found.value;
          const budget = await this.budgets.lock(tx, booking.budgetId);
          if (!budget) return notFound("The visit", ["visitId"]);
          const answer = await tx.findOne(VisitConfirmationEntity, { where: { visitId: visit.id }, lock: { mode: "pessimistic_write" } });
          if (!answer || !isAnswered(answer.status)) {
            return fail(
              UserErrorCode.INVALID_TRANSITION,
              `Only a confirmed visit is corrected; this one is ${answer?.status ?? ConfirmationStatus.AWAITING} (a disputed visit is resolved: resolveVisitDispute).`,
              ["visitId"],
            );
          }
          const [before]: { units: string; pence: string }[] = await tx.query(
            "SELECT coalesce(sum(units), 0) AS units, coalesce(sum(amount_pence), 0) AS pence FROM visit_corrections WHERE visit_id = $1",
            [visit.id],
          );
          const reversedBefore = { units: answer.upheldUnits + Number(before.units), pence: answer.upheldPence + Number(before.pence) };
          const remaining = visit.units - reversedBefore.units;
          if (!isReversible(command.units, remaining)) {
            return fail(UserErrorCode.INVALID_VALUE, `Correct from 0.01 to ${Math.round(remaining * 100) / 100} unit(s), with at most two decimals.`, [
              "units",
            ]);
          }
          const pence = reversalPence(visit, reversedBefore, command.units);
          if (pence <= 0) return fail(UserErrorCode.INVALID_VALUE, "These units cost nothing: there is nothing to take back.", ["units"]);
          const now = this.clock.now();
          await tx.insert(VisitCorrectionEntity, {
            id: newId(),
            visitId: visit.id,
            units: command.units,
            amountPence: pence,
            reason: command.reason.trim(),
            byUserId: viewer.userId,
            at: now,
          });
          const reversed = await this.budgets.reverse(
            tx,
            budget,
            { bookingId: booking.id, amountPence: pence, memo: `correction: visit ${visit.startsAt.toISOString()}, ${command.units} unit(s)` },
            viewer.userId,
          );
          return reversed.ok ? ok(visit) : reversed;
        },
        (v) => v.id,
        (id) => this.visits.byId(tx, id),
      ),
    );
  }

  /**
   * The job: confirms every delivered visit nobody answered within its funding body's window, as
   * of the end of the window. Safe on several processes at once: the first to take the advisory
   * lock does the work, the others return 0 at once; and each confirmation is an INSERT … ON
   * CONFLICT DO NOTHING, so a client's answer given meanwhile stands. Returns how many it confirmed.
   */
  async confirmDue(): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const [{ locked }]: { locked: boolean }[] = await tx.query("SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked", [CONFIRM_DUE_LOCK]);
      if (!locked) return 0;
      const confirmed: unknown[] = await tx.query(
        `INSERT INTO visit_confirmations (visit_id, visit_starts_at, status, by_user_id, at)
         SELECT v.id, v.starts_at, 'CONFIRMED', NULL, v.recorded_at + make_interval(days => f.visit_confirmation_days)
         FROM visits v
         JOIN bookings b ON b.id = v.booking_id
         JOIN funding_bodies f ON f.code = b.funding_body_code
         WHERE v.status = 'DELIVERED' AND v.recorded_at <= $1::timestamptz - interval '1 day'
           AND v.recorded_at + make_interval(days => f.visit_confirmation_days) <= $1::timestamptz
           AND NOT EXISTS (SELECT 1 FROM visit_confirmations c WHERE c.visit_id = v.id)
         ON CONFLICT (visit_id) DO NOTHING RETURNING visit_id`,
        [now],
      );
      return confirmed.length;
    });
  }

  /** A delivered visit the viewer may act on (`allowed`, from its client), with its funding body's window. */
  private async delivered(
    tx: EntityManager,
    viewer: Viewer,
    visitId: string | null,
    allowed: (client: ClientView) => boolean,
  ): Promise<Result<DeliveredVisit>> {
    const visit = visitId ? await this.visits.byId(tx, visitId) : null;
    const booking = visit ? await this.bookings.byId(tx, visit.bookingId) : null;
    const client = booking ? await this.budgets.findClient(tx, booking.clientId) : null;
    if (!visit || !booking || !client || !allowed(client)) return notFound("The visit", ["visitId"]);
    if (visit.status !== VisitStatus.DELIVERED || !visit.recordedAt) {
      return fail(UserErrorCode.INVALID_TRANSITION, `Only a delivered visit is confirmed or disputed; this one is ${visit.status}.`, ["visitId"]);
    }
    const body = await this.reference.findFundingBody(booking.fundingBodyCode, tx);
    return ok({ visit, booking, client, windowDays: body?.visitConfirmationDays ?? 7 });
  }
}

function windowClosed(days: number): Result<never> {
  return fail(
    UserErrorCode.CONFIRMATION_WINDOW_CLOSED,
    `A visit may be disputed for ${days} day(s) after it was recorded; that has passed and it counts as confirmed. Ask the commissioner to correct it.`,
    ["visitId"],
  );
}
