import { TaskNotFoundError } from '../domain/errors.ts';
import { decide, type TaskCommand, type TaskFacts } from '../domain/task-machine.ts';
import { commitTransition } from '../db/sql/commit-transition.ts';
import type { TaskRow, TaskSnapshot } from '../db/sql/rows.ts';
import type { TaskColumn } from '../db/sql/task-reads.ts';

/** What the machine decides on, read off a snapshot. */
export function factsOf(task: TaskSnapshot): TaskFacts {
  return { ...task, policy: task };
}

/**
 * The shape every change of one task shares: read it, let the task machine
 * decide (a change, nothing to do, or a typed error thrown), and commit the
 * change with its ledger entry and event in one statement that applies only
 * if the task is still as read. When another change came first, the task is
 * read and decided on again, so a decision never rests on a stale task and a
 * refused change writes nothing. A changed task comes back with `columns`
 * (every one when absent), an unchanged one whole.
 */
export async function changeTask(read: () => Promise<TaskSnapshot | undefined>, command: TaskCommand, columns?: readonly TaskColumn[]): Promise<TaskRow> {
  for (;;) {
    const task = await read();
    if (!task) throw new TaskNotFoundError();
    const decision = decide(factsOf(task), command, task.now);
    if (decision.kind === 'unchanged') return task;
    if (decision.kind === 'refused') throw decision.error;
    const changed = await commitTransition(task, decision, columns);
    if (changed) return changed;
  }
}
