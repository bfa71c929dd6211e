import { decodeGlobalID } from '@pothos/plugin-relay';
import { db } from '../../src/db/client.ts';
import { moveCredits } from '../../src/services/ledger.ts';

/** Reads straight from the database, to assert on what a call changed. */

export function rowId(globalId: string): string {
  return decodeGlobalID(globalId).id;
}

export async function balanceOf(accountId: string): Promise<number> {
  return (await db().account.findUniqueOrThrow({ where: { id: accountId } })).balance;
}

export async function entriesOf(globalTaskId: string): Promise<{ kind: string; amount: number }[]> {
  return db().ledgerEntry.findMany({
    where: { taskId: rowId(globalTaskId) },
    orderBy: { id: 'asc' },
    select: { kind: true, amount: true },
  });
}

export async function eventTypesOf(globalTaskId: string): Promise<string[]> {
  const events = await db().taskEvent.findMany({ where: { taskId: rowId(globalTaskId) }, orderBy: { id: 'asc' } });
  return events.map((event) => event.type);
}

export async function taskCount(accountId: string): Promise<number> {
  return db().task.count({ where: { accountId } });
}

const FIXTURE_WORKER = '00000000-0000-4000-8000-00000000f1f0';

/**
 * Puts a task where a worker would have taken it (claimed at `progress`, or
 * finished), with its event and, for a failure, its refund: a fixture for
 * client-side tests that must pick one task out of a shared queue.
 */
export async function putTaskInState(
  globalTaskId: string,
  state: 'RUNNING' | 'COMPLETED' | 'FAILED',
  progress = 0,
): Promise<void> {
  const id = rowId(globalTaskId);
  const now = new Date();
  await db().$transaction(async (tx) => {
    const { price, accountId } = await tx.task.findUniqueOrThrow({ where: { id } });
    const finished = state !== 'RUNNING';
    const task = await tx.task.update({
      where: { id },
      data: {
        state,
        progress,
        attempts: { increment: finished ? 0 : 1 },
        startedAt: now,
        finishedAt: finished ? now : null,
        creditsUsed: state === 'COMPLETED' ? price : null,
        leaseOwner: finished ? null : FIXTURE_WORKER,
        leaseExpiresAt: finished ? null : new Date(now.getTime() + 60_000),
        leaseSeconds: finished ? null : 60,
      },
    });
    if (state === 'FAILED') await moveCredits(tx, { accountId, taskId: id, kind: 'REFUND', amount: price });
    await tx.taskEvent.create({
      data: { taskId: id, accountId: task.accountId, type: finished ? state : 'CLAIMED', state, progress },
    });
  });
}
