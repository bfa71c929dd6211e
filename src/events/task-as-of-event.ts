import { isTerminal } from '../domain/task.ts';
import type { Task, TaskEvent } from '../generated/prisma/client.ts';

/**
 * The task as its event left it. Events keep state and progress; the row is
 * read later and may already be further on (several changes can arrive in one
 * read), so fields only a finished task has are blanked until the event is
 * the finishing one. A terminal event's row is exact: it never changes again.
 */
export function taskAsOfEvent(task: Task, event: TaskEvent): Task {
  if (isTerminal(event.state)) return task;
  return {
    ...task,
    state: event.state,
    progress: event.progress,
    output: null,
    error: null,
    creditsUsed: null,
    finishedAt: null,
    cancelledAt: null,
  };
}
