import type { DataSource } from "typeorm";
import { loaderByForeignKey, loaderByKey } from "../../shared/loaders";
import { BudgetEntity } from "./budget.entity";
import { ClientEntity } from "./client.entity";

export function createBudgetLoaders(db: DataSource) {
  return {
    clientById: loaderByKey(db.getRepository(ClientEntity), "id"),
    budgetById: loaderByKey(db.getRepository(BudgetEntity), "id"),
    budgetsOfClient: loaderByForeignKey(db.getRepository(BudgetEntity), "clientId"),
  };
}

export type BudgetLoaders = ReturnType<typeof createBudgetLoaders>;
