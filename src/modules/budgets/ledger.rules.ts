/**
 * What each ledger entry does to a budget's totals. The totals on the budget row are the sums of
 * these effects over the ledger, always (a test checks it after every scenario).
 *   available = allocated − committed − spent − returned − reclaimed − carriedForward, never negative.
 */
import { apportion } from "../../shared/money";
import { GainMode, LedgerKind } from "./budget.enums";
import type { LockedBudget } from "./budget.models";

export interface Totals {
  allocated: number;
  committed: number;
  spent: number;
  returned: number;
  reclaimed: number;
  carriedForward: number;
}

type Effect = { [K in keyof Totals]?: 1 | -1 };

export const EFFECTS: Record<LedgerKind, Effect> = {
  [LedgerKind.ALLOCATION]: { allocated: 1 },
  [LedgerKind.TOP_UP]: { allocated: 1 },
  /** Reserved for booked future visits. */
  [LedgerKind.COMMITMENT]: { committed: 1 },
  /** A commitment no longer needed (cancelled or missed visit, declined booking). */
  [LedgerKind.RELEASE]: { committed: -1 },
  /** A delivered visit: its commitment becomes spend. */
  [LedgerKind.SPEND]: { committed: -1, spent: 1 },
  /** Money back from a provider. */
  [LedgerKind.REFUND]: { spent: -1 },
  /** An earmarked saving handed back to the funder (gain policy RETURN or SHARE). */
  [LedgerKind.RETURN_TO_FUNDER]: { committed: -1, returned: 1 },
  /** A charge such as brokerage, paid from available money. */
  [LedgerKind.FEE]: { spent: 1 },
  /** Delivered spend reversed (a dispute upheld, a correction): the money is available again. */
  [LedgerKind.REVERSAL]: { spent: -1 },
  /** A closed period's surplus repaid to the funder. */
  [LedgerKind.CLAWBACK]: { reclaimed: 1 },
  /** A closed period's surplus moved to the next period's budget... */
  [LedgerKind.CARRY_FORWARD_OUT]: { carriedForward: 1 },
  /** ...where it adds to the allocation. */
  [LedgerKind.CARRY_FORWARD_IN]: { allocated: 1 },
};

export interface Posting {
  kind: LedgerKind;
  amountPence: number;
}

export function deltaOf(postings: Posting[]): Totals {
  const delta: Totals = { allocated: 0, committed: 0, spent: 0, returned: 0, reclaimed: 0, carriedForward: 0 };
  for (const { kind, amountPence } of postings) {
    for (const [total, sign] of Object.entries(EFFECTS[kind]) as [keyof Totals, 1 | -1][]) delta[total] += sign * amountPence;
  }
  return delta;
}

export function available(totals: Totals): number {
  return totals.allocated - totals.committed - totals.spent - totals.returned - totals.reclaimed - totals.carriedForward;
}

export interface BudgetTotalsRow {
  allocatedPence: number;
  committedPence: number;
  spentPence: number;
  returnedPence: number;
  reclaimedPence: number;
  carriedForwardPence: number;
}

/** What a budget row has available: allocated − committed − spent − returned − reclaimed − carriedForward. */
export function availableOf(row: BudgetTotalsRow): number {
  return available({
    allocated: row.allocatedPence,
    committed: row.committedPence,
    spent: row.spentPence,
    returned: row.returnedPence,
    reclaimed: row.reclaimedPence,
    carriedForward: row.carriedForwardPence,
  });
}

/** The share of savings returned under a gain policy, or a reason the policy is malformed. */
export function returnPercentOf(mode: GainMode, returnPercent: number | null | undefined): number | string {
  if (mode === GainMode.RETAIN) return returnPercent ? "RETAIN returns nothing: leave returnPercent out." : 0;
  if (mode === GainMode.RETURN) return returnPercent && returnPercent !== 100 ? "RETURN returns every saving: leave returnPercent out." : 100;
  return Number.isInteger(returnPercent) && returnPercent! >= 1 && returnPercent! <= 99
    ? returnPercent!
    : "SHARE needs returnPercent, a whole percentage from 1 to 99.";
}

/**
 * The part of each visit's saving earmarked for return: the booking's positive savings times
 * the percentage, rounded half up once, then shared over the visits to the penny (largest remainder).
 */
export function earmarks(savings: (number | null)[], returnPercent: number): number[] {
  const positive = savings.map((s) => Math.max(0, s ?? 0));
  const total = positive.reduce((a, b) => a + b, 0);
  return apportion(Math.floor((total * returnPercent + 50) / 100), positive);
}

/**
 * The earmark of each visit's saving under a budget's gain policy, read under the budget's lock
 * (a policy change waits for the booking that priced its earmarks by it).
 */
export function earmarksUnder(budget: LockedBudget, savings: (number | null)[]): number[] {
  return earmarks(savings, budget.gainReturnPercent);
}

/**
 * How a scheduled visit's earmark follows a reference rate known only at delivery (issue 10, item 6),
 * without ever making `available` negative:
 * - it shrinks in full: the difference is released (a RELEASE entry), which only adds to available;
 * - it grows by at most what is available (a COMMITMENT entry for the growth); the rest of the new
 *   saving stays with the budget (retained), since it may already have paid for other support.
 * The ledger only gains entries; none is changed.
 */
export function earmarkChange(
  bookedPence: number,
  wantedPence: number,
  availablePence: number,
): { earmarkPence: number; commitPence: number; releasePence: number } {
  if (wantedPence <= bookedPence) return { earmarkPence: wantedPence, commitPence: 0, releasePence: bookedPence - wantedPence };
  const commitPence = Math.min(wantedPence - bookedPence, Math.max(0, availablePence));
  return { earmarkPence: bookedPence + commitPence, commitPence, releasePence: 0 };
}
