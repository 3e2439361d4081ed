import type { DataSource } from "typeorm";
import { countsByParent, loaderByForeignKey, loaderByKey, pagesByParent } from "../../shared/loaders";
import { Connection, cursorIn, type Keyset, type PageRequest } from "../../shared/pagination";
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
  const ledgers = db.getRepository(LedgerEntryEntity);
  const reviews = db.getRepository(BudgetReviewEntity);
  const ledgerPages = pagesByParent(ledgers, "budgetId", LEDGER_NEWEST_FIRST);
  const ledgerCounts = countsByParent(ledgers, "budgetId");
  const reviewPages = pagesByParent(reviews, "budgetId", REVIEWS_LATEST_FIRST);
  const reviewCounts = countsByParent(reviews, "budgetId");
  return {
    clientById: loaderByKey(db.getRepository(ClientEntity), "id"),
    budgetById: loaderByKey(db.getRepository(BudgetEntity), "id"),
    budgetsOfClient: loaderByForeignKey(db.getRepository(BudgetEntity), "clientId"),
    /** A page of a budget's ledger: one statement for every budget of a list. */
    async ledgerOfBudget(budgetId: string, page: PageRequest): Promise<Connection<LedgerEntryEntity>> {
      const rows = await ledgerPages(page).load(budgetId);
      return new Connection(
        rows,
        page.first,
        (e) => cursorIn(LEDGER_NEWEST_FIRST, e),
        () => ledgerCounts.load(budgetId),
      );
    },
    /** A page of a budget's reviews, likewise. */
    async reviewsOfBudget(budgetId: string, page: PageRequest): Promise<Connection<BudgetReviewEntity>> {
      const rows = await reviewPages(page).load(budgetId);
      return new Connection(
        rows,
        page.first,
        (r) => cursorIn(REVIEWS_LATEST_FIRST, r),
        () => reviewCounts.load(budgetId),
      );
    },
  };
}

export type BudgetLoaders = ReturnType<typeof createBudgetLoaders>;
