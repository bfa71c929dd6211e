import type { Prisma, Task } from '../generated/prisma/client.ts';
import type { TaskEventType, TaskState } from '../generated/prisma/enums.ts';
import { moveCredits } from './ledger.ts';
import type { LockedTask } from './task-lock.ts';
import { appendTaskEvent } from './task-events.ts';
import type { Tx } from './transaction.ts';

export interface Transition {
  event: TaskEventType;
  /** The task's new fields; `updatedAt` is set here, and a task leaving RUNNING loses its lease. */
  data: Prisma.TaskUpdateInput & { state?: TaskState };
  /** Credits given back to the account with this change. */
  refund: number;
}

const NO_LEASE = { leaseOwner: null, leaseExpiresAt: null, leaseSeconds: null };

/**
 * The one way a locked task changes: the task row, its refund with its ledger
 * entry, and its event, all in the caller's transaction.
 */
export async function commitTransition(tx: Tx, locked: LockedTask, transition: Transition): Promise<Task> {
  const task = await tx.task.update({
    where: { id: locked.id },
    data: {
      ...transition.data,
      ...(transition.data.state && transition.data.state !== 'RUNNING' ? NO_LEASE : {}),
      updatedAt: locked.now,
    },
  });
  if (transition.refund > 0) {
    await moveCredits(tx, { accountId: locked.accountId, taskId: locked.id, kind: 'REFUND', amount: transition.refund });
  }
  await appendTaskEvent(tx, task, transition.event);
  return task;
}
