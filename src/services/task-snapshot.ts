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

export const ACCOUNT_TASK_BY_ID = statement(
  'account_task_snapshot_by_id',
  `${SNAPSHOT} WHERE t.id = $1::uuid AND t."accountId" = $2::uuid`,
);
const ACCOUNT_TASK_BY_OUT_TASK_ID = statement(
  'account_task_snapshot_by_out_task_id',
  `${SNAPSHOT} WHERE t."outTaskId" = $1 AND t."accountId" = $2::uuid`,
);
export const TASK_BY_ID = statement('task_snapshot_by_id', `${SNAPSHOT} WHERE t.id = $1::uuid`);
const LOCK_EXPIRED_LEASES = statement(
  'lock_expired_leases',
  `${SNAPSHOT} WHERE t.state = 'RUNNING' AND t."leaseExpiresAt" <= now()
   ORDER BY t."leaseExpiresAt" LIMIT $1 FOR UPDATE OF t SKIP LOCKED`,
);

/** The account's task; another account's task is not found, exactly as an id never issued. */
export async function readAccountTask(accountId: string, ref: TaskRef): Promise<TaskSnapshot | undefined> {
  const [task] =
    'id' in ref
      ? await rowsOf<TaskSnapshot>(pool(), ACCOUNT_TASK_BY_ID, [ref.id, accountId])
      : await rowsOf<TaskSnapshot>(pool(), ACCOUNT_TASK_BY_OUT_TASK_ID, [ref.outTaskId, accountId]);
  return task;
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
