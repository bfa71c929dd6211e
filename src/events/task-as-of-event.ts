import { isTerminal } from '../domain/task.ts';
import type { TaskEventRow, TaskRow } from '../db/sql/rows.ts';

/**
 * The task as its event left it. Events keep state and progress; the row is
 * read later and may already be further on (several changes can arrive in one
 * read), so fields only a finished task has are blanked until the event is
 * the finishing one, and its version is the event's. A terminal event's row
 * is exact: it never changes again.
 */
export function taskAsOfEvent(task: TaskRow, event: TaskEventRow): TaskRow {
  if (isTerminal(event.state)) return task;
  return {
    ...task,
    state: event.state,
    progress: event.progress,
    version: event.version ?? task.version,
    output: null,
    error: null,
    creditsUsed: null,
    finishedAt: null,
    cancelledAt: null,
  };
}
