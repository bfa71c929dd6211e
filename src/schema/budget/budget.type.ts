import { periodEnd } from '../../domain/budget-periods.ts';
import type { BudgetStanding } from '../../db/sql/budgets.ts';
import { builder } from '../builder.ts';
import { BudgetActionEnum, BudgetPeriodEnum, BudgetScopeEnum } from '../enums.ts';

export const BudgetObject = builder.node(builder.objectRef<BudgetStanding>('Budget'), {
  description:
    "A limit on what the account, one of its API keys or one of its tags may spend in a period. Spend is the ledger's holds minus its refunds in the period, for the tasks in scope; a submit that would take it over the limit is refused (BudgetExceededError), exactly, however many race.",
  id: { resolve: (budget) => budget.id },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'thresholds' in value && 'scope' in value,
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    scope: t.expose('scope', { type: BudgetScopeEnum }),
    tag: t.exposeString('tag', { nullable: true, description: 'The tag a TAG budget counts.' }),
    period: t.expose('period', { type: BudgetPeriodEnum }),
    limit: t.exposeInt('limit'),
    thresholds: t.exposeFloatList('thresholds', { description: 'Fractions of the limit whose crossing is a BUDGET_THRESHOLD event of the task whose hold crossed it.' }),
    action: t.expose('action', { type: BudgetActionEnum }),
    periodStart: t.expose('periodStart', { type: 'DateTime', description: 'Where the current period started.' }),
    resetsAt: t.field({ type: 'DateTime', nullable: true, description: 'When the current period ends; null for TOTAL.', resolve: (budget) => periodEnd(budget.period, budget.periodStart) }),
    spent: t.exposeInt('spent', { description: 'Spent in the current period: holds minus refunds of the tasks in scope.' }),
    remaining: t.int({ resolve: (budget) => Math.max(0, budget.limit - budget.spent) }),
    trippedAt: t.expose('trippedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a budget that cancels refused a submit this period: it takes no more until its period ends or it is rearmed.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});
