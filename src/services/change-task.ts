import { TaskNotFoundError } from '../domain/errors.ts';
import type { Task } from '../generated/prisma/client.ts';
import type { TaskSnapshot } from './task-snapshot.ts';
import { COMMIT_TRANSITION, transitionValues, type Transition } from './task-transition.ts';
import { commitStatement } from './transaction.ts';

/**
 * The shape every change of one task shares: read it, let `decide` say what
 * to do (a transition, null to leave it as it is, or a typed error thrown),
 * and write the transition with its ledger entry and event in one statement
 * that applies only if the task is still as read. When another change came
 * first, the task is read and decided on again, so a decision never rests on
 * a stale task and a refused change writes nothing.
 */
export async function changeTask(
  read: () => Promise<TaskSnapshot | undefined>,
  decide: (task: TaskSnapshot) => Transition | null,
): Promise<Task> {
  for (;;) {
    const task = await read();
    if (!task) throw new TaskNotFoundError();
    const transition = decide(task);
    if (!transition) return task;
    const [changed] = await commitStatement<Task>(COMMIT_TRANSITION, transitionValues(task, transition));
    if (changed) return changed;
  }
}
