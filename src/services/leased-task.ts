import { leaseLost } from '../domain/lease.ts';
import type { Task } from '../generated/prisma/client.ts';
import { changeTask } from './change-task.ts';
import { readTaskById, type TaskSnapshot } from './task-snapshot.ts';
import type { Transition } from './task-transition.ts';

/** A worker's handle on a task it claimed; `attempt` fences off an earlier claim of the same worker. */
export interface LeaseRef {
  workerId: string;
  taskId: string;
  attempt: number | null;
}

/**
 * The shape every worker call shares: the change applies only while this
 * worker still holds the task's lease; otherwise LeaseLostError and nothing
 * changes.
 */
export function changeLeasedTask(ref: LeaseRef, change: (task: TaskSnapshot) => Transition): Promise<Task> {
  return changeTask(
    () => readTaskById(ref.taskId),
    (task) => {
      const lost = leaseLost(task, ref.workerId, ref.attempt, task.now);
      if (lost) throw lost;
      return change(task);
    },
  );
}
