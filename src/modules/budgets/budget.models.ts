/** What other modules see of clients and budgets: read models, never the entities themselves. */
import type { BudgetEntity } from "./budget.entity";
import type { ClientEntity } from "./client.entity";
import type { LedgerEntryEntity } from "./ledger-entry.entity";

declare const LOCKED: unique symbol;

/** A budget as it is now, for display: never the base of a posting (LockedBudget is). */
export type BudgetView = Readonly<BudgetEntity>;

/**
 * A budget read under its lock (BudgetService.lock / lockVisible), held until the caller's
 * transaction ends: the only thing the money verbs and the gain-policy rules accept.
 */
export type LockedBudget = BudgetView & { readonly [LOCKED]: true };

/** A client as bookings, quotes and packages see them: who they are and who acts for them. */
export type ClientView = Readonly<ClientEntity>;

/** One ledger entry, as it was appended (entries are immutable). */
export type LedgerEntryView = Readonly<LedgerEntryEntity>;
