import { Prisma } from '../generated/prisma/client.ts';
import type { PendingCancelPolicy, Runner, TaskState } from '../generated/prisma/enums.ts';
import type { Tx } from './transaction.ts';

/** A task row held under `FOR UPDATE`, with its model's policy and the database's clock. */
export interface LockedTask {
  id: string;
  accountId: string;
  state: TaskState;
  runner: Runner;
  progress: number;
  price: number;
  attempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  leaseSeconds: number | null;
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  pendingCancelRetrySeconds: number;
  /** The transaction's time on the database's clock, the one clock every instance shares. */
  now: Date;
}

/** How a client names one of its tasks. */
export type TaskRef = { id: string } | { outTaskId: string };

/** A batch of rows to lock, passing over those another transaction holds. */
interface Batch {
  orderBy: Prisma.Sql;
  limit: number;
}

function lockTasksWhere(tx: Tx, match: Prisma.Sql, batch?: Batch): Promise<LockedTask[]> {
  const tail = batch ? Prisma.sql`ORDER BY ${batch.orderBy} LIMIT ${batch.limit} FOR UPDATE OF t SKIP LOCKED` : Prisma.sql`FOR UPDATE OF t`;
  return tx.$queryRaw<LockedTask[]>`
    SELECT t.id, t."accountId", t.state, t.runner, t.progress, t.price, t.attempts,
           t."leaseOwner", t."leaseExpiresAt", t."leaseSeconds",
           m."pendingCancel", m."refundCutoff", m."pendingCancelRetrySeconds", now() AS now
    FROM "Task" t JOIN "Model" m ON m.name = t."modelName"
    WHERE ${match}
    ${tail}`;
}

async function lockTaskWhere(tx: Tx, match: Prisma.Sql): Promise<LockedTask | undefined> {
  return (await lockTasksWhere(tx, match))[0];
}

/**
 * Locks the account's task for the rest of the transaction. Another account's
 * task is not found, exactly as an id never issued.
 */
export function lockAccountTask(tx: Tx, accountId: string, ref: TaskRef): Promise<LockedTask | undefined> {
  const match = 'id' in ref ? Prisma.sql`t.id = ${ref.id}::uuid` : Prisma.sql`t."outTaskId" = ${ref.outTaskId}`;
  return lockTaskWhere(tx, Prisma.sql`${match} AND t."accountId" = ${accountId}::uuid`);
}

/** Locks any task by id: worker keys are platform-wide. */
export function lockTaskById(tx: Tx, id: string): Promise<LockedTask | undefined> {
  return lockTaskWhere(tx, Prisma.sql`t.id = ${id}::uuid`);
}

/**
 * Locks up to `limit` running tasks whose lease has expired, oldest deadline
 * first, skipping any another instance holds: each expiry is handled once.
 */
export function lockExpiredLeases(tx: Tx, limit: number): Promise<LockedTask[]> {
  return lockTasksWhere(
    tx,
    Prisma.sql`t.state = 'RUNNING' AND t."leaseExpiresAt" <= now()`,
    { orderBy: Prisma.sql`t."leaseExpiresAt"`, limit },
  );
}
