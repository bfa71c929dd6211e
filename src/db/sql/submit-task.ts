import type { Runner } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import { byColumns, selectList } from './column-shapes.ts';
import { ledgerEntryCtes } from './ledger.ts';
import type { TaskRow } from './rows.ts';
import { CHECK_VIOLATION, rowsOf, sql, type Statement, UNIQUE_VIOLATION, violatedConstraint } from './statement.ts';
import { findAccountTask, type TaskColumn } from './task-reads.ts';
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
  priority: number;
  /** Seconds from now the task may stay PENDING; null for no deadline. */
  startWithinSeconds: number | null;
  maxRunSeconds: number | null;
  /** One task's share of a model's queue, in virtual microseconds. */
  quantum: number;
  /** The machine's decision for a new task: its state, the kind of its hold, and its event. */
  state: string;
  holdKind: string;
  event: string;
}

/**
 * A new task's place in its model's queue (start-time fair queuing): one
 * quantum after whichever is later, the queue's virtual time (the place the
 * head task was given, before its priority) or the account's own last task of
 * the model. An account that queued a thousand tasks queues its next behind
 * them, while another account's first goes right behind the head: claims
 * alternate between accounts with work, and a busy account cannot starve a
 * quiet one. The head is one index probe; an empty queue starts at the clock.
 * Taken by an upsert of the account's clock, whose row lock gives racing
 * submits of one account distinct places; a repeated submit takes none.
 */
const FAIR_PLACE = `
  INSERT INTO "AccountModelClock" ("accountId", "modelName", "lastRank")
  SELECT :accountId::uuid, model.name, COALESCE(
      (SELECT rank + priority * :quantum::bigint FROM "Task" WHERE state = 'PENDING' AND "modelName" = model.name ORDER BY rank, id LIMIT 1),
      (extract(epoch FROM now()) * 1000000)::bigint) + :quantum::bigint
  FROM model WHERE NOT EXISTS (SELECT FROM earlier)
  ON CONFLICT ("accountId", "modelName") DO UPDATE SET "lastRank" = GREATEST("AccountModelClock"."lastRank" + :quantum::bigint, EXCLUDED."lastRank")
  RETURNING "lastRank" AS slot`;

/**
 * The whole submit as one statement, so one round trip and its own
 * transaction: an earlier task with the same outTaskId comes back unchanged;
 * otherwise the task, the hold of its model's price and its event. No row
 * when the model is unknown. It returns the columns asked for, or every one.
 */
export const submitStatement = byColumns<TaskColumn, Statement<SubmitValues>>('submit_task', (name, columns) =>
  sql<SubmitValues>(
    name,
    `
WITH earlier AS (
  SELECT * FROM "Task" WHERE "accountId" = :accountId::uuid AND "outTaskId" = :outTaskId
), model AS (
  SELECT name, price FROM "Model" WHERE name = :model
), place AS (${FAIR_PLACE}
), created AS (
  INSERT INTO "Task" ("accountId", "apiKeyId", "outTaskId", "modelName", runner, input, metadata, tags, price, state,
    priority, rank, "startDeadline", "maxRunSeconds")
  SELECT :accountId::uuid, :apiKeyId::uuid, :outTaskId, model.name, :runner::"Runner", :input::jsonb, :metadata::jsonb, :tags::text[], model.price, :state::"TaskState",
    :priority::int, place.slot - :priority::int * :quantum::bigint,
    now() + make_interval(secs => :startWithinSeconds::int), :maxRunSeconds::int
  FROM model, place
  RETURNING *
), ${taskEventCte('submitted_event', 'created', ':event')},
${ledgerEntryCtes('held', `SELECT "accountId", id AS "taskId", :holdKind::"LedgerEntryKind" AS kind, -price AS amount, 0 AS running, "apiKeyId", tags FROM created`, { tasks: 'created', after: 'submitted_event' })}
SELECT ${selectList(columns)}, true AS created FROM created UNION ALL SELECT ${selectList(columns)}, false AS created FROM earlier`,
  ),
);

const BALANCE_AND_PRICE = sql<{ accountId: string; model: string }>(
  'submit_task_balance_and_price',
  `SELECT a.balance, m.price FROM "Account" a, "Model" m WHERE a.id = :accountId::uuid AND m.name = :model`,
);

const OUT_TASK_ID_TAKEN = 'Task_accountId_outTaskId_key';
const BALANCE_NONNEGATIVE = 'Account_balance_nonnegative';
const WITHIN_BUDGET = 'BudgetSpend_within_limit';

export type SubmitOutcome =
  /** The new task, with the columns asked for. */
  | { kind: 'created'; task: TaskRow }
  /** The earlier task, whole: a repeat is compared with all it was submitted with. */
  | { kind: 'earlier'; task: TaskRow }
  | { kind: 'unknown-model' }
  | { kind: 'insufficient'; balance: number; price: number }
  | { kind: 'over-budget'; budgetId: string };

/** An earlier task read again whole: tasks are never deleted, and a repeated submit is rare enough for a second read. */
async function wholeEarlierTask(accountId: string, id: string): Promise<TaskRow> {
  const task = await findAccountTask(accountId, { id });
  if (!task) throw new Error(`task ${id} vanished`);
  return task;
}

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
export async function commitSubmit(values: SubmitValues, columns?: readonly TaskColumn[]): Promise<SubmitOutcome> {
  try {
    const [row] = await commitStatement<TaskRow & { created: boolean }, SubmitValues>(submitStatement(columns), values, (rows) => rows[0]?.created === true);
    if (!row) return { kind: 'unknown-model' };
    const { created, ...task } = row;
    if (created) return { kind: 'created', task };
    return { kind: 'earlier', task: columns ? await wholeEarlierTask(values.accountId, task.id) : task };
  } catch (error) {
    const budgetId = budgetRefusing(error);
    if (budgetId !== undefined) return { kind: 'over-budget', budgetId };
    if (violatedConstraint(error, CHECK_VIOLATION) === BALANCE_NONNEGATIVE) {
      const [row] = await rowsOf<{ balance: number; price: number }, { accountId: string; model: string }>(pool(), BALANCE_AND_PRICE, values);
      if (!row) throw new Error(`account ${values.accountId} or model ${values.model} vanished`, { cause: error });
      return { kind: 'insufficient', ...row };
    }
    if (violatedConstraint(error, UNIQUE_VIOLATION) === OUT_TASK_ID_TAKEN) return commitSubmit(values, columns);
    throw error;
  }
}
