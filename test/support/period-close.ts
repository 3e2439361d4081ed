/** closeBudget through GraphQL, and the budget's close figures. */
import type { UserEntity } from "../../src/modules/auth/user.entity";
import { toGlobalId } from "../../src/shared/ids";
import { aKey, type TestApi } from "./api";
import type { Errors } from "./settlement";

export const CLOSE_FIELDS =
  "id status surplusPence reclaimedPence carriedForwardPence disposal allocatedPence committedPence spentPence returnedPence availablePence";

export interface ClosedBudget {
  id: string;
  status: string;
  surplusPence: number | null;
  reclaimedPence: number;
  carriedForwardPence: number;
  disposal: string | null;
  allocatedPence: number;
  committedPence: number;
  spentPence: number;
  returnedPence: number;
  availablePence: number;
}

export async function closeBudget(
  api: TestApi,
  as: UserEntity,
  budgetId: string,
  input: { disposal: "RECLAIM" | "CARRY_FORWARD" | "KEEP"; nextBudgetId?: string; amountPence?: number; reason?: string; idempotencyKey?: string },
): Promise<{ budget: ClosedBudget | null; userErrors: Errors }> {
  const { closeBudget } = await api.data<{ closeBudget: { budget: ClosedBudget | null; userErrors: Errors } }>(
    `mutation ($input: CloseBudgetInput!) { closeBudget(input: $input) { budget { ${CLOSE_FIELDS} } userErrors { code message field } } }`,
    {
      input: {
        budgetId: toGlobalId("Budget", budgetId),
        idempotencyKey: aKey(),
        ...input,
        nextBudgetId: input.nextBudgetId ? toGlobalId("Budget", input.nextBudgetId) : undefined,
      },
    },
    { as },
  );
  return closeBudget;
}

export async function budgetFigures(api: TestApi, as: UserEntity, budgetId: string): Promise<ClosedBudget> {
  const { budget } = await api.data<{ budget: ClosedBudget }>(
    `query ($id: ID!) { budget(id: $id) { ${CLOSE_FIELDS} } }`,
    { id: toGlobalId("Budget", budgetId) },
    { as },
  );
  return budget;
}
