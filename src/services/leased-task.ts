import { leaseLost } from '../domain/lease.ts';
import { commitChange } from './transaction.ts';
import { TaskNotFoundError } from '../domain/errors.ts';
import type { Task } from '../generated/prisma/client.ts';
import { lockTaskById, type LockedTask } from './task-lock.ts';
import { commitTransition, type Transition } from './task-transition.ts';

/** A worker's handle on a task it claimed; `attempt` fences off an earlier claim of the same worker. */
export interface LeaseRef {
  workerId: string;
  taskId: string;
  attempt: number | null;
}

/**
 * The shape every worker call shares: lock the task, make sure this worker
 * still holds its lease (else LeaseLostError and nothing changes), then commit
 * the change with its ledger entry and event.
 */
export function changeLeasedTask(ref: LeaseRef, change: (task: LockedTask) => Transition): Promise<Task> {
  return commitChange(async (tx) => {
    const locked = await lockTaskById(tx, ref.taskId);
    if (!locked) throw new TaskNotFoundError();
    const lost = leaseLost(locked, ref.workerId, ref.attempt, locked.now);
    if (lost) throw lost;
    return commitTransition(tx, locked, change(locked));
  });
}
