import type { DataSource } from "typeorm";
import { connectionsByParent, loaderByForeignKey, loaderByKey } from "../../shared/loaders";
import type { Keyset } from "../../shared/pagination";
import { BudgetEntity } from "./budget.entity";
import { ClientEntity } from "./client.entity";
import { LedgerEntryEntity } from "./ledger-entry.entity";
import { BudgetReviewEntity } from "./review.entity";

/** A budget's ledger, newest first (ids are time-ordered). */
const LEDGER_NEWEST_FIRST: Keyset<LedgerEntryEntity> = { name: "LEDGER", keys: [{ sql: "c.id", cast: "uuid", of: (e) => e.id }], direction: "DESC" };

/** A budget's reviews, latest first. */
const REVIEWS_LATEST_FIRST: Keyset<BudgetReviewEntity> = {
  name: "REVIEWS",
  keys: [
    { sql: "c.reviewed_on", cast: "date", of: (r) => r.reviewedOn },
    { sql: "c.id", cast: "uuid", of: (r) => r.id },
  ],
  direction: "DESC",
};

export function createBudgetLoaders(db: DataSource) {
  return {
    clientById: loaderByKey(db.getRepository(ClientEntity), "id"),
    budgetById: loaderByKey(db.getRepository(BudgetEntity), "id"),
    budgetsOfClient: loaderByForeignKey(db.getRepository(BudgetEntity), "clientId"),
    /** A page of a budget's ledger: one statement for every budget of a list. */
    ledgerOfBudget: connectionsByParent(db.getRepository(LedgerEntryEntity), "budgetId", LEDGER_NEWEST_FIRST),
    /** A page of a budget's reviews, likewise. */
    reviewsOfBudget: connectionsByParent(db.getRepository(BudgetReviewEntity), "budgetId", REVIEWS_LATEST_FIRST),
  };
}

export type BudgetLoaders = ReturnType<typeof createBudgetLoaders>;
