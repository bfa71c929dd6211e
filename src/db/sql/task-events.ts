import type { TaskEventType } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';

/**
 * The one writer of task events, as a common table expression a statement
 * includes: an event of `type` for each task row of `tasks`, with the state,
 * progress and version it left. `type` is SQL: a parameter or a literal.
 */
export function taskEventCte(name: string, tasks: string, type: string): string {
  return `${name} AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress, version)
  SELECT id, "accountId", ${type}::"TaskEventType", state, progress, version FROM ${tasks}
)`;
}

/** The literal of an event type, for statements that always log the same one. */
export function eventType(type: TaskEventType): string {
  return `'${type}'`;
}

interface PruneValues {
  retentionDays: number;
  batch: number;
}

const PRUNE_EVENTS = sql<PruneValues>(
  'prune_events',
  `
WITH pruned AS (
  DELETE FROM "TaskEvent" WHERE id IN (
    SELECT id FROM "TaskEvent" WHERE at < now() - make_interval(days => :retentionDays) LIMIT :batch)
  RETURNING 1
)
SELECT count(*)::int AS count FROM pruned`,
);

/** Deletes up to `batch` events older than the retention; how many went. */
export async function pruneEventBatch(values: PruneValues): Promise<number> {
  const [row] = await rowsOf<{ count: number }, PruneValues>(pool(), PRUNE_EVENTS, values);
  return row?.count ?? 0;
}
