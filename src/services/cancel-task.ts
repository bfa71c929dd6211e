import type { TaskRow } from '../db/sql/rows.ts';
import { readAccountTask, type TaskRef } from '../db/sql/task-reads.ts';
import { changeTask } from './change-task.ts';

/**
 * Cancels the account's task (SPEC §5 cancelTask): a finished task comes back
 * as it is, a refused cancel throws its typed error and changes nothing,
 * otherwise the task, its refund and its event commit together.
 */
export function cancelTask(accountId: string, ref: TaskRef): Promise<TaskRow> {
  return changeTask(() => readAccountTask(accountId, ref), { type: 'cancel' });
}
