import { budgetStandingById, tripBudget } from '../db/sql/budgets.ts';
import { BudgetExceededError } from '../domain/errors.ts';
import { periodEnd } from '../domain/budget-periods.ts';

/**
 * The error for a submit a budget refused, after tripping the budget when its
 * action cancels: from then on its period takes no more holds, and its
 * enforcement cancels the scope's work.
 */
export async function budgetRefusal(budgetId: string): Promise<BudgetExceededError> {
  await tripBudget(budgetId);
  const budget = await budgetStandingById(budgetId);
  if (!budget) throw new Error(`budget ${budgetId} refused a hold and vanished`);
  const { scope, tag, period, limit, spent, periodStart, trippedAt } = budget;
  return new BudgetExceededError(budgetId, scope, tag, period, limit, spent, periodEnd(period, periodStart), trippedAt !== null);
}
