/** Clients (budget holders), personal budgets and their append-only ledgers. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { BudgetEntity } from "./budget.entity";
import { BudgetFields, BudgetMutations, BudgetQueries, ClientFields, LedgerEntryFields, UserClientField } from "./budget.resolver";
import { ClientEntity } from "./client.entity";
import { LedgerEntryEntity } from "./ledger-entry.entity";
import { BudgetReviewEntity } from "./review.entity";
import { BudgetReviewFields, ReviewFields, ReviewMutations, ReviewQueries } from "./review.resolver";

export * from "./budget.enums";
export { Budget, Client, LedgerEntry } from "./budget.types";
export { BudgetReview } from "./review.types";
/** Verbs: BudgetService.lock / lockVisible, then commit / release / spend / reverse / charge on the LockedBudget. */
export { BudgetService, compareIds } from "./budget.service";
export type * from "./budget.commands";
export type { BudgetView, ClientView, LedgerEntryView, LockedBudget } from "./budget.models";
export { ClientService } from "./client.service";
export { ReviewService } from "./review.service";
export { actsForScope, ageBandOf, canActFor, canManage, restrictToActFor, type ClientColumns, type RowScope } from "./client.rules";
export { EFFECTS, deltaOf, available, availableOf, earmarkChange, earmarks, earmarksUnder, returnPercentOf } from "./ledger.rules";
export { createBudgetLoaders, type BudgetLoaders } from "./budget.loaders";
export type { Context as BudgetsContext, BudgetsServices } from "./context";

export const budgetsModule = {
  entities: [ClientEntity, BudgetEntity, LedgerEntryEntity, BudgetReviewEntity],
  resolvers: [
    BudgetQueries,
    BudgetMutations,
    ClientFields,
    BudgetFields,
    LedgerEntryFields,
    UserClientField,
    ReviewMutations,
    ReviewQueries,
    BudgetReviewFields,
    ReviewFields,
  ],
  nodes: {
    Client: async (id, { viewer, services }) => (isUuid(id) ? services.clients.findVisible(viewer, id) : null),
    BudgetReview: async (id, { viewer, services }) => (isUuid(id) ? services.reviews.findVisible(viewer, id) : null),
    Budget: async (id, { viewer, services }) => (isUuid(id) ? ((await services.budgets.findVisible(viewer, id))?.budget ?? null) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
