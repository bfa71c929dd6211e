import type { BudgetAction, BudgetPeriod, BudgetScope } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';
import { inTransaction } from './transaction.ts';

/** Budgets one account may have; every hold of a task in their scope moves each one's spend. */
export const MAX_BUDGETS = 20;

export interface BudgetRow {
  id: string;
  accountId: string;
  name: string | null;
  scope: BudgetScope;
  apiKeyId: string | null;
  tag: string | null;
  period: BudgetPeriod;
  limit: number;
  thresholds: number[];
  action: BudgetAction;
  createdAt: Date;
  updatedAt: Date;
}

/** A budget with its current period: where it started, what was spent in it, and whether it tripped. */
export interface BudgetStanding extends BudgetRow {
  periodStart: Date;
  spent: number;
  trippedAt: Date | null;
}

const CURRENT_PERIOD = `taskgate_budget_period_start(b.period, b."createdAt", now())`;

const STANDING = `
  SELECT b.*, ${CURRENT_PERIOD} AS "periodStart", COALESCE(s.spent, 0) AS spent, s."trippedAt"
  FROM "Budget" b LEFT JOIN "BudgetSpend" s ON s."budgetId" = b.id AND s."periodStart" = ${CURRENT_PERIOD}`;

interface Owned {
  id: string;
  accountId: string;
}

const BUDGET_STANDING = sql<Owned>('budget_standing', `${STANDING} WHERE b.id = :id::uuid AND b."accountId" = :accountId::uuid`);
const ACCOUNT_BUDGETS = sql<{ accountId: string }>(
  'account_budgets',
  `${STANDING} WHERE b."accountId" = :accountId::uuid ORDER BY b."createdAt", b.id`,
);
const BUDGET_STANDING_BY_ID = sql<{ id: string }>('budget_standing_by_id', `${STANDING} WHERE b.id = :id::uuid`);

/** A budget as it is made: its row, less what the database gives it. */
export type NewBudget = Omit<BudgetRow, 'id' | 'createdAt' | 'updatedAt'>;

/**
 * Takes the account's row lock and moves its budget version, so that every
 * hold or refund is counted by the budgets it commits under: one that was in
 * flight commits first; one that starts now sees the version move and runs
 * again with the budget in view.
 */
const BUMP_BUDGET_VERSION = sql<{ accountId: string }>(
  'bump_budget_version',
  `UPDATE "Account" SET "budgetVersion" = "budgetVersion" + 1 WHERE id = :accountId::uuid RETURNING id`,
);

const INSERT_BUDGET = sql<NewBudget & { max: number }>(
  'insert_budget',
  `
INSERT INTO "Budget" ("accountId", name, scope, "apiKeyId", tag, period, "limit", thresholds, action)
SELECT :accountId::uuid, :name, :scope::"BudgetScope", :apiKeyId::uuid, :tag, :period::"BudgetPeriod", :limit, :thresholds::float8[], :action::"BudgetAction"
WHERE (SELECT count(*) FROM "Budget" WHERE "accountId" = :accountId::uuid) < :max
RETURNING id`,
);

/** A task is in a budget's scope by its account, and its key or its tags. */
const IN_SCOPE = `t."accountId" = b."accountId"
  AND (b.scope = 'ACCOUNT' OR (b.scope = 'API_KEY' AND t."apiKeyId" = b."apiKeyId") OR (b.scope = 'TAG' AND b.tag = ANY(t.tags)))`;

const OPENING_BUDGET = sql('opening_budget', `SELECT set_config('taskgate.opening_budget', 'on', true)`);

/** A new budget's spend is what the ledger holds for its scope in its current period: holds minus refunds. */
const OPEN_SPEND = sql<{ id: string }>(
  'open_budget_spend',
  `
INSERT INTO "BudgetSpend" ("budgetId", "periodStart", spent)
SELECT b.id, ${CURRENT_PERIOD}, COALESCE((
  SELECT sum(-e.amount) FROM "LedgerEntry" e JOIN "Task" t ON t.id = e."taskId"
  WHERE e."accountId" = b."accountId" AND e.kind IN ('HOLD', 'REFUND') AND e."createdAt" >= ${CURRENT_PERIOD} AND ${IN_SCOPE}
), 0)
FROM "Budget" b WHERE b.id = :id::uuid`,
);

export interface BudgetChanges {
  name: string | null;
  limit: number;
  thresholds: number[];
  action: BudgetAction;
  /** Lift the current period's trip: submits in scope are taken again, up to the limit. */
  rearm: boolean;
}

const UPDATE_BUDGET = sql<Owned & BudgetChanges>(
  'update_budget',
  `
WITH changed AS (
  UPDATE "Budget" SET name = :name, "limit" = :limit, thresholds = :thresholds::float8[], action = :action::"BudgetAction", "updatedAt" = now()
  WHERE id = :id::uuid AND "accountId" = :accountId::uuid
  RETURNING id, period, "createdAt"
), rearmed AS (
  UPDATE "BudgetSpend" s SET "trippedAt" = NULL FROM changed b
  WHERE :rearm AND s."budgetId" = b.id AND s."periodStart" = ${CURRENT_PERIOD}
)
SELECT id FROM changed`,
);

const DELETE_BUDGET = sql<Owned>(
  'delete_budget',
  `
WITH removed AS (DELETE FROM "Budget" WHERE id = :id::uuid AND "accountId" = :accountId::uuid RETURNING id, "accountId")
UPDATE "Account" a SET "budgetVersion" = "budgetVersion" + 1 FROM removed WHERE a.id = removed."accountId" RETURNING removed.id`,
);

/**
 * Trips a budget that cancels for its current period, once a submit was
 * refused by it: its further holds are refused too, and its enforcement
 * cancels the scope's work. A budget that only refuses is left as it was.
 */
const TRIP = sql<{ id: string }>(
  'trip_budget',
  `
INSERT INTO "BudgetSpend" ("budgetId", "periodStart", "trippedAt")
SELECT b.id, ${CURRENT_PERIOD}, now() FROM "Budget" b WHERE b.id = :id::uuid AND b.action <> 'REFUSE_SUBMITS'
ON CONFLICT ("budgetId", "periodStart") DO UPDATE SET "trippedAt" = COALESCE("BudgetSpend"."trippedAt", EXCLUDED."trippedAt")`,
);

/** Budgets tripped in their current period whose action cancels work. */
const TRIPPED = sql(
  'tripped_budgets',
  `${STANDING} WHERE s."trippedAt" IS NOT NULL AND b.action <> 'REFUSE_SUBMITS'`,
);

/**
 * The next tasks a tripped budget's enforcement cancels: its scope's pending
 * tasks that can be cancelled now, and for CANCEL_IN_FLIGHT its running ones
 * too; runs the API cannot cancel are left to their owners.
 */
const TO_CANCEL = sql<{ id: string; limit: number }>(
  'budget_tasks_to_cancel',
  `
SELECT t.id FROM "Budget" b JOIN "Task" t ON ${IN_SCOPE} JOIN "Model" m ON m.name = t."modelName"
WHERE b.id = :id::uuid AND t.runner = 'CLOUD'
  AND ((t.state = 'PENDING' AND m."pendingCancel" = 'FREE') OR (b.action = 'CANCEL_IN_FLIGHT' AND t.state = 'RUNNING'))
ORDER BY t."createdAt", t.id
LIMIT :limit`,
);

/** A new budget with its opening spend, in one transaction under the account's lock; undefined when the account has as many as it may. */
export function insertBudget(values: NewBudget): Promise<string | undefined> {
  return inTransaction(async (tx) => {
    await rowsOf(tx, BUMP_BUDGET_VERSION, { accountId: values.accountId });
    const [row] = await rowsOf<{ id: string }, NewBudget & { max: number }>(tx, INSERT_BUDGET, { ...values, max: MAX_BUDGETS });
    if (!row) return undefined;
    await rowsOf(tx, OPENING_BUDGET, {});
    await rowsOf(tx, OPEN_SPEND, { id: row.id });
    return row.id;
  });
}

export async function budgetStanding(accountId: string, id: string): Promise<BudgetStanding | undefined> {
  const [row] = await rowsOf<BudgetStanding, Owned>(pool(), BUDGET_STANDING, { id, accountId });
  return row;
}

export function accountBudgets(accountId: string): Promise<BudgetStanding[]> {
  return rowsOf<BudgetStanding, { accountId: string }>(pool(), ACCOUNT_BUDGETS, { accountId });
}

export async function budgetStandingById(id: string): Promise<BudgetStanding | undefined> {
  const [row] = await rowsOf<BudgetStanding, { id: string }>(pool(), BUDGET_STANDING_BY_ID, { id });
  return row;
}

export async function updateBudget(accountId: string, id: string, changes: BudgetChanges): Promise<boolean> {
  return (await rowsOf(pool(), UPDATE_BUDGET, { id, accountId, ...changes })).length > 0;
}

export async function deleteBudget(accountId: string, id: string): Promise<boolean> {
  return (await rowsOf(pool(), DELETE_BUDGET, { id, accountId })).length > 0;
}

export async function tripBudget(id: string): Promise<void> {
  await rowsOf(pool(), TRIP, { id });
}

export function trippedBudgets(): Promise<BudgetStanding[]> {
  return rowsOf<BudgetStanding, Record<string, never>>(pool(), TRIPPED, {});
}

export async function tasksToCancel(budgetId: string, limit: number): Promise<string[]> {
  return (await rowsOf<{ id: string }, { id: string; limit: number }>(pool(), TO_CANCEL, { id: budgetId, limit })).map((row) => row.id);
}
