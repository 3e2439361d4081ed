/** Settlement's pure rules: the confirmation window, who may answer for a visit, what a reversal takes back. */
import type { Viewer } from "../../shared/auth";
import { isHundredths } from "../../shared/money";
import { ConfirmationStatus } from "./settlement.enums";

const DAY_MS = 86_400_000;

/** When a delivered visit nobody answered is confirmed: `days` after it was recorded. */
export function confirmationDueAt(recordedAt: Date, days: number): Date {
  return new Date(recordedAt.getTime() + days * DAY_MS);
}

export function isWindowClosed(recordedAt: Date, days: number, now: Date): boolean {
  return confirmationDueAt(recordedAt, days) <= now;
}

/**
 * Who confirms or disputes a delivered visit: the client (a CLIENT user linked to them, or someone
 * acting for them with such a user) and their assigned broker. Commissioners resolve disputes instead.
 */
export function canAnswerFor(viewer: Viewer, client: { id: string; brokerUserId: string | null }): boolean {
  return viewer.clientId === client.id || client.brokerUserId === viewer.userId;
}

/** Units a reversal may take: more than 0, at most those not reversed yet, two decimals. */
export function isReversible(units: number, remaining: number): boolean {
  return units > 0 && isHundredths(units) && Math.round(units * 100) <= Math.round(remaining * 100);
}

/**
 * What reversing `units` of a visit takes back: its cost in proportion, rounded half up; the last
 * units take exactly what is left, so reversals never add up to more than the visit cost.
 */
export function reversalPence(visit: { units: number; costPence: number }, reversedBefore: { units: number; pence: number }, units: number): number {
  const total = Math.round(visit.units * 100);
  const after = Math.round((reversedBefore.units + units) * 100);
  if (after >= total) return visit.costPence - reversedBefore.pence;
  const share = (hundredths: number) => Math.floor((visit.costPence * hundredths * 2 + total) / (2 * total));
  return share(after) - reversedBefore.pence;
}

/** Statuses a payment run pays: confirmed, or resolved (an upheld dispute pays what it left). */
export const PAYABLE: ConfirmationStatus[] = [ConfirmationStatus.CONFIRMED, ConfirmationStatus.REJECTED, ConfirmationStatus.UPHELD];

export function isAnswered(status: ConfirmationStatus): boolean {
  return PAYABLE.includes(status);
}

/** A client's initials, as a statement shows them ("Margaret Hale" → "MH"). */
export function initialsOf(displayName: string): string {
  return displayName
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase())
    .join("")
    .slice(0, 12);
}

/** The same in SQL, over a column holding a display name. */
export function initialsSql(column: string): string {
  return `left(coalesce((SELECT string_agg(upper(left(w, 1)), '') FROM regexp_split_to_table(btrim(${column}), '\\s+') AS w WHERE w <> ''), ''), 12)`;
}

/** Why a period cannot close yet, from its visits still scheduled, awaiting an answer, or disputed; null when none. */
export function unsettledMessage(scheduled: number, awaiting: number, disputed: number): string | null {
  const reasons = [
    scheduled > 0 ? `${scheduled} visit(s) still scheduled: record them as delivered or missed, or cancel their bookings` : null,
    awaiting > 0 ? `${awaiting} delivered visit(s) awaiting confirmation: the client confirms them, or the window does` : null,
    disputed > 0 ? `${disputed} visit(s) disputed: resolve the disputes` : null,
  ].filter((r): r is string => r !== null);
  return reasons.length ? `The period cannot close yet: ${reasons.join("; ")}.` : null;
}
