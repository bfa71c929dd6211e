import { Prisma } from '../generated/prisma/client.ts';
import type { PendingCancelPolicy, Runner, TaskState } from '../generated/prisma/enums.ts';
import type { Tx } from './transaction.ts';

/** A task row held under `FOR UPDATE`, with its model's policy. */
export interface LockedTask {
  id: string;
  accountId: string;
  state: TaskState;
  runner: Runner;
  progress: number;
  price: number;
  attempts: number;
  leaseOwner: string | null;
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  pendingCancelRetrySeconds: number;
}

/** How a client names one of its tasks. */
export type TaskRef = { id: string } | { outTaskId: string };

/**
 * Locks the account's task for the rest of the transaction. Another account's
 * task is not found, exactly as an id never issued.
 */
export async function lockAccountTask(tx: Tx, accountId: string, ref: TaskRef): Promise<LockedTask | undefined> {
  const match = 'id' in ref ? Prisma.sql`t.id = ${ref.id}::uuid` : Prisma.sql`t."outTaskId" = ${ref.outTaskId}`;
  const [task] = await tx.$queryRaw<LockedTask[]>`
    SELECT t.id, t."accountId", t.state, t.runner, t.progress, t.price, t.attempts, t."leaseOwner",
           m."pendingCancel", m."refundCutoff", m."pendingCancelRetrySeconds"
    FROM "Task" t JOIN "Model" m ON m.name = t."modelName"
    WHERE ${match} AND t."accountId" = ${accountId}::uuid
    FOR UPDATE OF t`;
  return task;
}
