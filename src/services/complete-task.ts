import type { JsonValue } from '../domain/json.ts';
import type { Lease } from '../domain/task-machine.ts';
import { validateJsonSize } from '../domain/validation.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import { readTaskById, type TaskColumn } from '../db/sql/task-reads.ts';
import { changeTask } from './change-task.ts';

/** Finishes the task with its output; the hold stands as the charge. The task comes back with `columns`, or whole. */
export function completeTask(taskId: string, lease: Lease, output: JsonValue, columns?: readonly TaskColumn[]): Promise<TaskRow> {
  validateJsonSize(JSON.stringify(output), 'output');
  return changeTask(() => readTaskById(taskId), { type: 'complete', lease, output }, columns);
}
