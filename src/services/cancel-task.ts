import { decideCancel } from '../domain/cancel-decision.ts';
import { commitChange } from './transaction.ts';
import { TaskNotFoundError } from '../domain/errors.ts';
import type { Task } from '../generated/prisma/client.ts';
import { lockAccountTask, type TaskRef } from './task-lock.ts';
import { commitTransition } from './task-transition.ts';

/**
 * Cancels the account's task under its row lock (SPEC §5 cancelTask): a
 * finished task comes back as it is, a refused cancel throws its typed error
 * and changes nothing, otherwise the task, its refund and its event commit
 * together.
 */
export async function cancelTask(accountId: string, ref: TaskRef): Promise<Task> {
  return commitChange(async (tx) => {
    const locked = await lockAccountTask(tx, accountId, ref);
    if (!locked) throw new TaskNotFoundError();
    const decision = decideCancel({
      state: locked.state,
      runner: locked.runner,
      progress: locked.progress,
      price: locked.price,
      policy: locked,
    });
    switch (decision.kind) {
      case 'unchanged':
        return tx.task.findUniqueOrThrow({ where: { id: locked.id } });
      case 'refused':
        throw decision.error;
      case 'cancel': {
        return commitTransition(tx, locked, {
          event: 'CANCELLED',
          refund: decision.refund,
          data: { state: 'CANCELLED', creditsUsed: decision.creditsUsed, cancelledAt: locked.now, finishedAt: locked.now },
        });
      }
    }
  });
}
