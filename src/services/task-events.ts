import type { TaskEventType } from '../generated/prisma/enums.ts';
import type { Task } from '../generated/prisma/client.ts';
import type { Tx } from './transaction.ts';

/** Records a change of `task` (as it is after the change) in the same transaction. */
export async function appendTaskEvent(tx: Tx, task: Task, type: TaskEventType): Promise<void> {
  await tx.taskEvent.create({
    data: { taskId: task.id, accountId: task.accountId, type, state: task.state, progress: task.progress },
  });
}
