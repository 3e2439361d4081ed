/** Review dates (DOMAIN.md rule 7; Care and Support (Direct Payments) Regulations 2014 reg. 7). */
import { BudgetStatus } from "./budget.enums";

/** The first review within six months of the budget's start. */
export const FIRST_REVIEW_MONTHS = 6;
/** Then at least every twelve months. */
export const REVIEW_INTERVAL_MONTHS = 12;
export const MAX_REVIEW_NOTES = 2000;

/** Overdue: an open budget whose review date has passed (mirrored in SQL by ReviewService.overdue and countOverdue). */
export function reviewOverdueOf(budget: { status: BudgetStatus; reviewDueOn: string }, today: string): boolean {
  return budget.status === BudgetStatus.OPEN && budget.reviewDueOn < today;
}
