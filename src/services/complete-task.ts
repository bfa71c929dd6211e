import type { JsonValue } from '../domain/json.ts';
import type { Lease } from '../domain/task-machine.ts';
import { validateJsonSize } from '../domain/validation.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import { readTaskById } from '../db/sql/task-reads.ts';
import { changeTask } from './change-task.ts';

/** Finishes the task with its output; the hold stands as the charge. */
export function completeTask(taskId: string, lease: Lease, output: JsonValue): Promise<TaskRow> {
  validateJsonSize(JSON.stringify(output), 'output');
  return changeTask(() => readTaskById(taskId), { type: 'complete', lease, output });
}
