import type { TaskEventType } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';

/**
 * The one writer of task events, as a common table expression a statement
 * includes: an event of `type` for each task row of `tasks`, with the state,
 * progress and version it left, and its `detail`. `type` and `detail` are
 * SQL: a parameter or a literal.
 */
export function taskEventCte(name: string, tasks: string, type: string, detail = 'NULL'): string {
  return `${name} AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress, version, detail)
  SELECT id, "accountId", ${type}::"TaskEventType", state, progress, version, ${detail}::jsonb FROM ${tasks}
  RETURNING "taskId"
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

/**
 * Events past the retention, but for those an enabled webhook endpoint has
 * yet to be sent and those a redelivery waits for. What goes that a disabled
 * endpoint had not been sent is told to it, exactly: a notice with the count
 * and the first and last position lost, sent before anything else once it is
 * enabled again.
 */
const PRUNE_EVENTS = sql<PruneValues>(
  'prune_events',
  `
WITH doomed AS (
  SELECT e.id FROM "TaskEvent" e
  WHERE e.at < now() - make_interval(days => :retentionDays)
    AND NOT EXISTS (
      SELECT 1 FROM "WebhookEndpoint" w
      WHERE w.enabled AND w."accountId" = e."accountId" AND (e.txid, e.id) > (w."positionTxid", w."positionId"))
    AND NOT EXISTS (SELECT 1 FROM "WebhookMessage" m WHERE m."eventTxid" = e.txid AND m."eventId" = e.id)
  LIMIT :batch
), pruned AS (
  DELETE FROM "TaskEvent" e USING doomed WHERE e.id = doomed.id
  RETURNING e.id, e.txid, e."accountId", e."taskId", e.type
), lost AS (
  SELECT w.id AS "endpointId", count(*) AS count,
    (array_agg(p.txid ORDER BY p.txid, p.id))[1] AS "firstTxid", (array_agg(p.id ORDER BY p.txid, p.id))[1] AS "firstId",
    (array_agg(p.txid ORDER BY p.txid DESC, p.id DESC))[1] AS "lastTxid", (array_agg(p.id ORDER BY p.txid DESC, p.id DESC))[1] AS "lastId"
  FROM pruned p JOIN "WebhookEndpoint" w
    ON w."accountId" = p."accountId" AND NOT w.enabled AND (p.txid, p.id) > (w."positionTxid", w."positionId")
    AND (cardinality(w."eventTypes") = 0 OR p.type = ANY(w."eventTypes"))
    AND (cardinality(w.models) = 0 OR EXISTS (SELECT 1 FROM "Task" t WHERE t.id = p."taskId" AND t."modelName" = ANY(w.models)))
  GROUP BY w.id
), notices AS (
  INSERT INTO "WebhookMessage" ("endpointId", kind, data)
  SELECT "endpointId", 'EVENTS_LOST',
    jsonb_build_object('count', count, 'first', jsonb_build_array("firstTxid"::text, "firstId"::text), 'last', jsonb_build_array("lastTxid"::text, "lastId"::text))
  FROM lost
)
SELECT count(*)::int AS count FROM pruned`,
);

const PRUNE_WEBHOOK_ATTEMPTS = sql<{ days: number; batch: number }>(
  'prune_webhook_attempts',
  `
WITH pruned AS (
  DELETE FROM "WebhookAttempt" WHERE id IN (
    SELECT id FROM "WebhookAttempt" WHERE at < now() - make_interval(days => :days) LIMIT :batch)
  RETURNING 1
)
SELECT count(*)::int AS count FROM pruned`,
);

/** Days the webhook delivery log is kept. */
export const WEBHOOK_LOG_DAYS = 30;

/** Deletes up to `batch` entries of the webhook delivery log older than it is kept; how many went. */
export async function pruneWebhookAttemptBatch(batch: number): Promise<number> {
  const [row] = await rowsOf<{ count: number }, { days: number; batch: number }>(pool(), PRUNE_WEBHOOK_ATTEMPTS, { days: WEBHOOK_LOG_DAYS, batch });
  return row?.count ?? 0;
}

/** Deletes up to `batch` events older than the retention; how many went. */
export async function pruneEventBatch(values: PruneValues): Promise<number> {
  const [row] = await rowsOf<{ count: number }, PruneValues>(pool(), PRUNE_EVENTS, values);
  return row?.count ?? 0;
}
