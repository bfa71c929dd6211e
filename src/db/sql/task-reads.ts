import { pool } from '../client.ts';
import { byColumns, selectList } from './column-shapes.ts';
import type { TaskRow, TaskSnapshot } from './rows.ts';
import { rowsOf, sql, type Statement } from './statement.ts';
import type { Tx } from './transaction.ts';

/** How a client names one of its tasks. */
export type TaskRef = { id: string } | { outTaskId: string };

const SNAPSHOT = `
  SELECT t.*, m."pendingCancel", m."refundCutoff", m."pendingCancelRetrySeconds",
    m."maxAttempts", m."retryBaseSeconds", m."retryFactor", m."retryMaxSeconds", m."retryJitter", now() AS now
  FROM "Task" t JOIN "Model" m ON m.name = t."modelName"`;

interface ById {
  id: string;
  accountId: string;
}

interface ByOutTaskId {
  outTaskId: string;
  accountId: string;
}

/** Statements reading one of an account's tasks by either of its names. */
function accountTaskStatements(name: string, select: string) {
  return {
    id: sql<ById>(`${name}_by_id`, `${select} WHERE t.id = :id::uuid AND t."accountId" = :accountId::uuid`),
    outTaskId: sql<ByOutTaskId>(`${name}_by_out_task_id`, `${select} WHERE t."outTaskId" = :outTaskId AND t."accountId" = :accountId::uuid`),
  };
}

export const ACCOUNT_TASK_SNAPSHOT = accountTaskStatements('account_task_snapshot', SNAPSHOT);

export type TaskColumn = keyof TaskRow;

/** The statements reading these columns of a task, or all of them. */
const accountTaskColumns = byColumns<TaskColumn, ReturnType<typeof accountTaskStatements>>('account_task', (name, columns) =>
  accountTaskStatements(name, `SELECT ${selectList(columns, 't')} FROM "Task" t`),
);

const ACCOUNT_TASK_EXISTS = sql<ById>('account_task_exists', 'SELECT 1 AS found FROM "Task" WHERE id = :id::uuid AND "accountId" = :accountId::uuid');

export const TASK_BY_ID = sql<{ id: string }>('task_snapshot_by_id', `${SNAPSHOT} WHERE t.id = :id::uuid`);

const LOCK_EXPIRED_LEASES = sql<{ limit: number }>(
  'lock_expired_leases',
  `${SNAPSHOT} WHERE t.state = 'RUNNING' AND t."leaseExpiresAt" <= now()
   ORDER BY t."leaseExpiresAt" LIMIT :limit FOR UPDATE OF t SKIP LOCKED`,
);

/** Tasks whose deadline came: still PENDING at their start deadline, or RUNNING past their claim's maximum running time. */
const LOCK_DUE_DEADLINES = sql<{ limit: number }>(
  'lock_due_deadlines',
  `${SNAPSHOT} WHERE (t.state = 'PENDING' AND t."startDeadline" <= now()) OR (t.state = 'RUNNING' AND t."runDeadline" <= now())
   LIMIT :limit FOR UPDATE OF t SKIP LOCKED`,
);

async function accountTaskRow<Row extends TaskRow>(
  statements: { id: Statement<ById>; outTaskId: Statement<ByOutTaskId> },
  accountId: string,
  ref: TaskRef,
): Promise<Row | undefined> {
  const [task] =
    'id' in ref
      ? await rowsOf<Row, ById>(pool(), statements.id, { id: ref.id, accountId })
      : await rowsOf<Row, ByOutTaskId>(pool(), statements.outTaskId, { outTaskId: ref.outTaskId, accountId });
  return task;
}

/** The account's task, to decide on; another account's task is not found, exactly as an id never issued. */
export function readAccountTask(accountId: string, ref: TaskRef): Promise<TaskSnapshot | undefined> {
  return accountTaskRow<TaskSnapshot>(ACCOUNT_TASK_SNAPSHOT, accountId, ref);
}

/**
 * The account's task as it is, to show; another account's task is not found,
 * as above. With `columns`, the row holds those alone: what the fields
 * asked for read, and nothing else may be read of it.
 */
export function findAccountTask(accountId: string, ref: TaskRef, columns?: readonly TaskColumn[]): Promise<TaskRow | undefined> {
  return accountTaskRow<TaskRow>(accountTaskColumns(columns), accountId, ref);
}

/** Whether the task is the account's, without reading it. */
export async function isAccountTask(accountId: string, id: string): Promise<boolean> {
  return (await rowsOf<{ found: number }, ById>(pool(), ACCOUNT_TASK_EXISTS, { id, accountId })).length > 0;
}

/** Any task by id, to decide on: worker keys are platform-wide. */
export async function readTaskById(id: string): Promise<TaskSnapshot | undefined> {
  const [task] = await rowsOf<TaskSnapshot, { id: string }>(pool(), TASK_BY_ID, { id });
  return task;
}

/**
 * Locks up to `limit` running tasks whose lease has expired, oldest deadline
 * first, skipping any another instance holds: each expiry is handled once.
 */
export function lockExpiredLeases(tx: Tx, limit: number): Promise<TaskSnapshot[]> {
  return rowsOf<TaskSnapshot, { limit: number }>(tx, LOCK_EXPIRED_LEASES, { limit });
}

/** Locks up to `limit` tasks whose deadline came, skipping any another instance holds. */
export function lockDueDeadlines(tx: Tx, limit: number): Promise<TaskSnapshot[]> {
  return rowsOf<TaskSnapshot, { limit: number }>(tx, LOCK_DUE_DEADLINES, { limit });
}
