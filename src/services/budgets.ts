import { type BudgetChanges, budgetStanding, type BudgetStanding, deleteBudget, insertBudget, MAX_BUDGETS, updateBudget } from '../db/sql/budgets.ts';
import { InvalidParamError, NotFoundError } from '../domain/errors.ts';
import { checkedTag } from '../domain/task-labels.ts';
import { isStorableText } from '../domain/text.ts';
import type { BudgetAction, BudgetPeriod, BudgetScope } from '../generated/prisma/enums.ts';

const MAX_NAME_LENGTH = 100;
const MAX_THRESHOLDS = 10;
/** Credits are kept in a 32-bit column. */
const MAX_LIMIT = 2 ** 31 - 1;

export interface BudgetSettings {
  name: string | null;
  scope: BudgetScope;
  tag: string | null;
  period: BudgetPeriod;
  limit: number;
  thresholds: number[];
  action: BudgetAction;
}

function checkedName(name: string | null, param: string): string | null {
  if (name !== null && (name.length > MAX_NAME_LENGTH || !isStorableText(name))) {
    throw new InvalidParamError(param, `${param} must be at most ${MAX_NAME_LENGTH} characters of text.`);
  }
  return name;
}

function checkedLimit(limit: number, param: string): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new InvalidParamError(param, `${param} must be a whole number of credits from 1 to ${MAX_LIMIT}.`);
  return limit;
}

/** Ascending, without repeats, each a fraction of the limit in (0, 1]. */
function checkedThresholds(thresholds: number[], param: string): number[] {
  for (const [index, threshold] of thresholds.entries()) {
    if (!Number.isFinite(threshold) || threshold <= 0 || threshold > 1) {
      throw new InvalidParamError(`${param}.${index}`, 'A threshold is a fraction of the limit, above 0 and at most 1.');
    }
  }
  const sorted = [...new Set(thresholds)].sort((a, b) => a - b);
  if (sorted.length > MAX_THRESHOLDS) throw new InvalidParamError(param, `${param} may hold at most ${MAX_THRESHOLDS} thresholds.`);
  return sorted;
}

/**
 * A new budget of the account. An API_KEY budget counts the tasks of the key
 * making it; a TAG budget, the tasks with its tag. Its spend starts from what
 * the ledger holds for its scope in its current period from now on.
 */
export async function createBudget(accountId: string, apiKeyId: string, settings: BudgetSettings): Promise<BudgetStanding> {
  const { scope, period, action } = settings;
  if (scope === 'TAG' && settings.tag === null) throw new InvalidParamError('input.tag', 'A TAG budget needs its tag.');
  if (scope !== 'TAG' && settings.tag !== null) throw new InvalidParamError('input.tag', 'Only a TAG budget has a tag.');
  const id = await insertBudget({
    accountId,
    name: checkedName(settings.name, 'input.name'),
    scope,
    apiKeyId: scope === 'API_KEY' ? apiKeyId : null,
    tag: settings.tag === null ? null : checkedTag(settings.tag, 'input.tag'),
    period,
    limit: checkedLimit(settings.limit, 'input.limit'),
    thresholds: checkedThresholds(settings.thresholds, 'input.thresholds'),
    action,
  });
  if (id === undefined) throw new InvalidParamError(null, `An account may have at most ${MAX_BUDGETS} budgets.`);
  return ownBudget(accountId, id);
}

export async function ownBudget(accountId: string, id: string): Promise<BudgetStanding> {
  const budget = await budgetStanding(accountId, id);
  if (!budget) throw new NotFoundError('budget');
  return budget;
}

/** Changes what is given; scope and period stay, as the spend counted so far is theirs. */
export async function changeBudget(accountId: string, id: string, changes: Partial<BudgetChanges>): Promise<BudgetStanding> {
  const current = await ownBudget(accountId, id);
  const changed: BudgetChanges = {
    name: changes.name === undefined ? current.name : checkedName(changes.name, 'input.name'),
    limit: changes.limit === undefined ? current.limit : checkedLimit(changes.limit, 'input.limit'),
    thresholds: changes.thresholds === undefined ? current.thresholds : checkedThresholds(changes.thresholds, 'input.thresholds'),
    action: changes.action ?? current.action,
    rearm: changes.rearm ?? false,
  };
  if (!(await updateBudget(accountId, id, changed))) throw new NotFoundError('budget');
  return ownBudget(accountId, id);
}

export async function removeBudget(accountId: string, id: string): Promise<void> {
  if (!(await deleteBudget(accountId, id))) throw new NotFoundError('budget');
}
