import type { Lease } from '../domain/task-machine.ts';
import { validateProgress } from '../domain/validation.ts';
import type { TaskRow } from '../db/sql/rows.ts';
import { readTaskById, type TaskColumn } from '../db/sql/task-reads.ts';
import { changeTask } from './change-task.ts';

/** Records the worker's progress and renews its lease by the length it claimed with; the task comes back with `columns`, or whole. */
export function reportProgress(taskId: string, lease: Lease, progress: number, columns?: readonly TaskColumn[]): Promise<TaskRow> {
  return changeTask(() => readTaskById(taskId), { type: 'progress', lease, progress: validateProgress(progress) }, columns);
}
