/**
 * The request context as the budgets module's resolvers see it: the listings module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { ListingsContext } from "../listings";
import type { BudgetLoaders } from "./budget.loaders";
import type { BudgetService } from "./budget.service";
import type { ClientService } from "./client.service";
import type { ReviewService } from "./review.service";

export interface BudgetsServices {
  clients: ClientService;
  budgets: BudgetService;
  reviews: ReviewService;
}

export type Context = Extend<ListingsContext, BudgetsServices, BudgetLoaders>;
