import { db } from '../db/client.ts';
import type { Prisma, Task, TaskEvent } from '../generated/prisma/client.ts';
import type { EventPosition } from './position.ts';

/** An event as streams deliver it, with its task as it is now. */
export type LoggedEvent = TaskEvent & { task: Task };

export interface LogRange {
  /** Strictly after this position. */
  after: EventPosition;
  /** Only this account's events, when given. */
  accountId?: string;
  limit: number;
}

/**
 * The oldest transaction id still running. Every transaction below it has
 * committed or aborted, so events below it are final: nothing can commit
 * before them any more.
 */
async function settledBelow(): Promise<bigint> {
  const [row] = await db().$queryRaw<{ xmin: bigint }[]>`
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin`;
  if (!row) throw new Error('no snapshot');
  return row.xmin;
}

function after(position: EventPosition, below: bigint): Prisma.TaskEventWhereInput {
  return {
    txid: { gte: position.txid, lt: below },
    OR: [{ txid: { gt: position.txid } }, { id: { gt: position.id } }],
  };
}

/** Committed, settled events after a position, in log order, each with its task. */
export async function readLog(range: LogRange): Promise<LoggedEvent[]> {
  const below = await settledBelow();
  return db().taskEvent.findMany({
    where: { ...after(range.after, below), ...(range.accountId ? { accountId: range.accountId } : {}) },
    include: { task: true },
    orderBy: [{ txid: 'asc' }, { id: 'asc' }],
    take: range.limit,
  });
}

/** The last settled position of the log: where a stream that starts now begins. */
export async function settledEnd(): Promise<EventPosition> {
  const below = await settledBelow();
  const last = await db().taskEvent.findFirst({
    where: { txid: { lt: below } },
    orderBy: [{ txid: 'desc' }, { id: 'desc' }],
    select: { txid: true, id: true },
  });
  return last ?? { txid: 0n, id: 0n };
}

/** Whether an event at exactly this position, of this account, is still in the log. */
export async function isRetained(position: EventPosition, accountId: string): Promise<boolean> {
  const event = await db().taskEvent.findFirst({ where: { id: position.id, txid: position.txid, accountId }, select: { id: true } });
  return event !== null;
}

/** When the newest event in the log was written; undefined for an empty log. */
export async function newestEventAt(): Promise<Date | undefined> {
  const newest = await db().taskEvent.findFirst({ orderBy: [{ txid: 'desc' }, { id: 'desc' }], select: { at: true } });
  return newest?.at;
}
