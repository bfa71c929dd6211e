import type { Lease } from '../domain/task-machine.ts';
import { validateErrorText } from '../domain/validation.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import { readTaskById, type TaskColumn } from '../db/sql/task-reads.ts';
import { changeTask } from './change-task.ts';

/**
 * Ends the task as FAILED with the worker's reason and a full refund; or, when
 * the worker says another attempt may succeed and the model allows one more,
 * puts it back in the queue after the model's backoff. The task comes back
 * with `columns`, or whole.
 */
export function failTask(taskId: string, lease: Lease, error: string, retryable: boolean, columns?: readonly TaskColumn[]): Promise<TaskRow> {
  return changeTask(() => readTaskById(taskId), { type: 'fail', lease, error: validateErrorText(error), retryable, random: Math.random() }, columns);
}
