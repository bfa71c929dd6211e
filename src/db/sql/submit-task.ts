import type { Runner } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import { ledgerEntryCtes } from './ledger.ts';
import type { TaskRow } from './rows.ts';
import { CHECK_VIOLATION, rowsOf, sql, UNIQUE_VIOLATION, violatedConstraint } from './statement.ts';
import { taskEventCte } from './task-events.ts';
import { commitStatement } from './transaction.ts';

export interface SubmitValues {
  accountId: string;
  /** The key submitting, for budgets per key. */
  apiKeyId: string | null;
  model: string;
  outTaskId: string | null;
  runner: Runner;
  /** JSON text. */
  input: string;
  /** JSON text of a string map. */
  metadata: string;
  tags: string[];
  /** The machine's decision for a new task: its state, the kind of its hold, and its event. */
  state: string;
  holdKind: string;
  event: string;
}

/**
 * The whole submit as one statement, so one round trip and its own
 * transaction: an earlier task with the same outTaskId comes back unchanged;
 * otherwise the task, the hold of its model's price and its event. No row
 * when the model is unknown.
 */
export const SUBMIT_TASK = sql<SubmitValues>(
  'submit_task',
  `
WITH earlier AS (
  SELECT * FROM "Task" WHERE "accountId" = :accountId::uuid AND "outTaskId" = :outTaskId
), model AS (
  SELECT name, price FROM "Model" WHERE name = :model
), created AS (
  INSERT INTO "Task" ("accountId", "apiKeyId", "outTaskId", "modelName", runner, input, metadata, tags, price, state)
  SELECT :accountId::uuid, :apiKeyId::uuid, :outTaskId, model.name, :runner::"Runner", :input::jsonb, :metadata::jsonb, :tags::text[], model.price, :state::"TaskState"
  FROM model WHERE NOT EXISTS (SELECT FROM earlier)
  RETURNING *
), ${taskEventCte('submitted_event', 'created', ':event')},
${ledgerEntryCtes('held', `SELECT "accountId", id AS "taskId", :holdKind::"LedgerEntryKind" AS kind, -price AS amount, "apiKeyId", tags FROM created`, { tasks: 'created', after: 'submitted_event' })}
SELECT *, true AS created FROM created UNION ALL SELECT *, false AS created FROM earlier`,
);

const BALANCE_AND_PRICE = sql<{ accountId: string; model: string }>(
  'submit_task_balance_and_price',
  `SELECT a.balance, m.price FROM "Account" a, "Model" m WHERE a.id = :accountId::uuid AND m.name = :model`,
);

const OUT_TASK_ID_TAKEN = 'Task_accountId_outTaskId_key';
const BALANCE_NONNEGATIVE = 'Account_balance_nonnegative';
const WITHIN_BUDGET = 'BudgetSpend_within_limit';

export type SubmitOutcome =
  | { kind: 'created' | 'earlier'; task: TaskRow }
  | { kind: 'unknown-model' }
  | { kind: 'insufficient'; balance: number; price: number }
  | { kind: 'over-budget'; budgetId: string };

/** The budget a refused hold names: the trigger puts its id in the error's detail. */
function budgetRefusing(error: unknown): string | undefined {
  if (violatedConstraint(error, CHECK_VIOLATION) !== WITHIN_BUDGET) return undefined;
  return error instanceof Error && 'detail' in error && typeof error.detail === 'string' ? error.detail : undefined;
}

/**
 * Commits a submit: the new task with its hold and event, or the account's
 * earlier task with this outTaskId, or why neither (an unknown model, a
 * balance below the price, a budget it would exceed). A concurrent submit with the same outTaskId that
 * commits first makes its task the answer.
 */
export async function commitSubmit(values: SubmitValues): Promise<SubmitOutcome> {
  try {
    const [row] = await commitStatement<TaskRow & { created: boolean }, SubmitValues>(SUBMIT_TASK, values, (rows) => rows[0]?.created === true);
    if (!row) return { kind: 'unknown-model' };
    const { created, ...task } = row;
    return { kind: created ? 'created' : 'earlier', task };
  } catch (error) {
    const budgetId = budgetRefusing(error);
    if (budgetId !== undefined) return { kind: 'over-budget', budgetId };
    if (violatedConstraint(error, CHECK_VIOLATION) === BALANCE_NONNEGATIVE) {
      const [row] = await rowsOf<{ balance: number; price: number }, { accountId: string; model: string }>(pool(), BALANCE_AND_PRICE, values);
      if (!row) throw new Error(`account ${values.accountId} or model ${values.model} vanished`, { cause: error });
      return { kind: 'insufficient', ...row };
    }
    if (violatedConstraint(error, UNIQUE_VIOLATION) === OUT_TASK_ID_TAKEN) return commitSubmit(values);
    throw error;
  }
}
