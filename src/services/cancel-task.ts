import { decideCancel } from '../domain/cancel-decision.ts';
import type { Task } from '../generated/prisma/client.ts';
import { changeTask } from './change-task.ts';
import { readAccountTask, type TaskRef } from './task-snapshot.ts';

/**
 * Cancels the account's task (SPEC §5 cancelTask): a finished task comes back
 * as it is, a refused cancel throws its typed error and changes nothing,
 * otherwise the task, its refund and its event commit together.
 */
export function cancelTask(accountId: string, ref: TaskRef): Promise<Task> {
  return changeTask(
    () => readAccountTask(accountId, ref),
    (task) => {
      const decision = decideCancel({
        state: task.state,
        runner: task.runner,
        progress: task.progress,
        price: task.price,
        policy: task,
      });
      switch (decision.kind) {
        case 'unchanged':
          return null;
        case 'refused':
          throw decision.error;
        case 'cancel':
          return {
            event: 'CANCELLED',
            refund: decision.refund,
            data: { state: 'CANCELLED', creditsUsed: decision.creditsUsed, cancelledAt: task.now, finishedAt: task.now },
          };
      }
    },
  );
}
