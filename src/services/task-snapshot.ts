import type { PendingCancelPolicy } from '../generated/prisma/enums.ts';
import type { Task } from '../generated/prisma/client.ts';
import { pool } from '../db/client.ts';
import { rowsOf, statement } from '../db/statement.ts';
import type { Tx } from './transaction.ts';

/** A task as read for a decision, with its model's policy and the database's clock. */
export interface TaskSnapshot extends Task {
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  pendingCancelRetrySeconds: number;
  /** The time of the read on the database's clock, the one clock every instance shares. */
  now: Date;
}

/** How a client names one of its tasks. */
export type TaskRef = { id: string } | { outTaskId: string };

const SNAPSHOT = `
  SELECT t.*, m."pendingCancel", m."refundCutoff", m."pendingCancelRetrySeconds", now() AS now
  FROM "Task" t JOIN "Model" m ON m.name = t."modelName"`;

/** Statements reading one of an account's tasks by either of its names. */
function accountTaskStatements(name: string, select: string) {
  return {
    id: statement(`${name}_by_id`, `${select} WHERE t.id = $1::uuid AND t."accountId" = $2::uuid`),
    outTaskId: statement(`${name}_by_out_task_id`, `${select} WHERE t."outTaskId" = $1 AND t."accountId" = $2::uuid`),
  };
}

export const ACCOUNT_TASK_SNAPSHOT = accountTaskStatements('account_task_snapshot', SNAPSHOT);
const ACCOUNT_TASK = accountTaskStatements('account_task', 'SELECT t.* FROM "Task" t');

async function accountTaskRow<Row extends Task>(
  statements: typeof ACCOUNT_TASK,
  accountId: string,
  ref: TaskRef,
): Promise<Row | undefined> {
  const [task] =
    'id' in ref
      ? await rowsOf<Row>(pool(), statements.id, [ref.id, accountId])
      : await rowsOf<Row>(pool(), statements.outTaskId, [ref.outTaskId, accountId]);
  return task;
}
export const TASK_BY_ID = statement('task_snapshot_by_id', `${SNAPSHOT} WHERE t.id = $1::uuid`);
const LOCK_EXPIRED_LEASES = statement(
  'lock_expired_leases',
  `${SNAPSHOT} WHERE t.state = 'RUNNING' AND t."leaseExpiresAt" <= now()
   ORDER BY t."leaseExpiresAt" LIMIT $1 FOR UPDATE OF t SKIP LOCKED`,
);

/** The account's task, to decide on; another account's task is not found, exactly as an id never issued. */
export function readAccountTask(accountId: string, ref: TaskRef): Promise<TaskSnapshot | undefined> {
  return accountTaskRow<TaskSnapshot>(ACCOUNT_TASK_SNAPSHOT, accountId, ref);
}

/** The account's task as it is, to show; another account's task is not found, as above. */
export function findAccountTask(accountId: string, ref: TaskRef): Promise<Task | undefined> {
  return accountTaskRow<Task>(ACCOUNT_TASK, accountId, ref);
}

/** Any task by id: worker keys are platform-wide. */
export async function readTaskById(id: string): Promise<TaskSnapshot | undefined> {
  const [task] = await rowsOf<TaskSnapshot>(pool(), TASK_BY_ID, [id]);
  return task;
}

/**
 * Locks up to `limit` running tasks whose lease has expired, oldest deadline
 * first, skipping any another instance holds: each expiry is handled once.
 */
export function lockExpiredLeases(tx: Tx, limit: number): Promise<TaskSnapshot[]> {
  return rowsOf<TaskSnapshot>(tx, LOCK_EXPIRED_LEASES, [limit]);
}
