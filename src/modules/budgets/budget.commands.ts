/** What budgets' services are asked to do: plain commands (raw uuids, domain types), no GraphQL. */
import type { BudgetKind } from "../reference";
import type { BudgetManagement, ClientSetting, GainMode, SurplusDisposal } from "./budget.enums";

/** What a new booking holds: its whole cost and the saving earmarked from it. */
export interface Commitment {
  bookingId: string;
  costPence: number;
  earmarkPence: number;
  visits: number;
}

export interface Release {
  /** Null: a release of no one booking's (a period's close). */
  bookingId: string | null;
  amountPence: number;
  memo: string;
}

/** A delivered visit's cost and its earmarked saving. */
export interface Spend {
  bookingId: string;
  costPence: number;
  earmarkPence: number;
  memo: string;
}

/** A scheduled visit's earmark as booked, and as its saving at delivery would have it. */
export interface Rearmark {
  bookingId: string;
  bookedPence: number;
  wantedPence: number;
  memo: string;
}

export interface Charge {
  amountPence: number;
  memo: string;
}

export interface CreateBudgetCommand {
  clientId: string | null;
  kind: BudgetKind;
  management: BudgetManagement;
  periodStart: string;
  periodEnd: string;
  allocatedPence: number;
  coveredCategoryCodes: string[];
  /** Six months after the start when null (reg. 7). */
  reviewDueOn: string | null;
  idempotencyKey: string;
}

export interface TopUpBudgetCommand {
  budgetId: string | null;
  amountPence: number;
  memo: string;
  idempotencyKey: string;
}

export interface SetGainPolicyCommand {
  budgetId: string | null;
  mode: GainMode;
  returnPercent: number | null;
}

export interface CreateClientCommand {
  displayName: string;
  postcodeDistrict: string;
  /** The commissioner's own funding body when null. */
  fundingBodyCode: string | null;
  setting: ClientSetting;
  /** The care home: undefined when none was named, null when the one named is no provider's id. */
  careHomeId?: string | null;
  dateOfBirth: string;
  newToSupport: boolean;
}

export interface AssignBrokerCommand {
  clientId: string | null;
  /** The broker to assign (userId null: the id named is no user's), or null to remove the broker. */
  broker: { userId: string | null } | null;
}

/** How a period ends (BudgetService.close): what becomes of the surplus, and how much of it. */
export interface PeriodClose {
  disposal: SurplusDisposal;
  /** RECLAIM and CARRY_FORWARD: the whole surplus when null. KEEP: null. */
  amountPence: number | null;
  reason: string;
}

export interface CloseBudgetCommand extends PeriodClose {
  budgetId: string | null;
  /** CARRY_FORWARD: the next period's budget of the same client (null: named nothing; undefined: not named). */
  nextBudgetId?: string | null;
  idempotencyKey: string;
}
