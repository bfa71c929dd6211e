import type { WebhookMessageKind } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import { type LogPosition, SETTLED_BELOW_SQL } from './event-log.ts';
import type { JsonValue } from '../../domain/json.ts';
import { endpointRow, type RawEndpointRow } from './webhook-endpoints.ts';
import type { WebhookAttemptRow, WebhookEndpointRow } from './rows.ts';
import { rowsOf, sql } from './statement.ts';

interface ClaimValues {
  owner: string;
  leaseMs: number;
  limit: number;
}

/**
 * Leases up to `limit` endpoints with something to send now: a queued
 * message, or a settled event of their account past their position. An
 * endpoint another instance holds is skipped, so each is delivered to by one
 * instance at a time, whichever instances share the database.
 */
const CLAIM_ENDPOINTS = sql<ClaimValues>(
  'claim_webhook_endpoints',
  `
WITH horizon AS (${SETTLED_BELOW_SQL}), due AS (
  SELECT w.id FROM "WebhookEndpoint" w
  WHERE w.enabled AND w."nextAttemptAt" <= now() AND (w."leaseExpiresAt" IS NULL OR w."leaseExpiresAt" < now())
    AND (EXISTS (SELECT 1 FROM "WebhookMessage" m WHERE m."endpointId" = w.id)
      OR EXISTS (SELECT 1 FROM "TaskEvent" e
                 WHERE e."accountId" = w."accountId" AND (e.txid, e.id) > (w."positionTxid", w."positionId")
                   AND e.txid < (SELECT below FROM horizon)))
  ORDER BY w."nextAttemptAt"
  LIMIT :limit
  FOR UPDATE OF w SKIP LOCKED
)
UPDATE "WebhookEndpoint" w SET "leaseOwner" = :owner::uuid, "leaseExpiresAt" = now() + make_interval(secs => :leaseMs / 1000.0)
FROM due WHERE w.id = due.id
RETURNING w.*`,
);

interface LeaseValues {
  id: string;
  owner: string;
}

const RELEASE = sql<LeaseValues>(
  'release_webhook_endpoint',
  `UPDATE "WebhookEndpoint" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL WHERE id = :id::uuid AND "leaseOwner" = :owner::uuid`,
);

/** A queued message, as sent; its bigint columns as the driver gives them, in text. */
export interface WebhookMessageRow {
  id: string;
  kind: WebhookMessageKind;
  eventTxid: string | null;
  eventId: string | null;
  data: JsonValue | null;
  createdAt: Date;
}

const NEXT_MESSAGE = sql<{ id: string }>(
  'next_webhook_message',
  `SELECT id, kind, "eventTxid", "eventId", data, "createdAt" FROM "WebhookMessage" WHERE "endpointId" = :id::uuid ORDER BY id LIMIT 1`,
);

/** An attempt as the delivery log records it: its row, less what the database gives it. */
export type AttemptRecord = Omit<WebhookAttemptRow, 'id' | 'endpointId' | 'at'>;

interface RecordValues extends LeaseValues, AttemptRecord {
  leaseMs: number;
}

const ATTEMPT = `attempt AS (
  INSERT INTO "WebhookAttempt" ("endpointId", "messageId", type, attempt, outcome, status, "latencyMs", error, "responseBody", "nextAttemptAt")
  VALUES (:id::uuid, :messageId, :type, :attempt, :outcome::"WebhookOutcome", :status, :latencyMs, :error, :responseBody, :nextAttemptAt)
)`;

/** The head is done with (delivered, or refused for good): the next one starts with a clean slate, and the lease runs on. */
const HEAD_DONE = `"headAttempts" = 0, "failingSince" = NULL, "nextAttemptAt" = now(), "leaseExpiresAt" = now() + make_interval(secs => :leaseMs / 1000.0)`;

/** Every write of a delivery holds only while this instance still holds the lease: a replay or a change in between wins. */
const HELD = `id = :id::uuid AND "leaseOwner" = :owner::uuid`;

/** Attempts in columns, one array each, to be written with one statement. */
interface AttemptColumns {
  messageIds: string[];
  types: string[];
  attempts: number[];
  outcomes: string[];
  statuses: (number | null)[];
  latencies: number[];
  errors: (string | null)[];
  bodies: (string | null)[];
  nextAttempts: (Date | null)[];
}

/**
 * A run of events done with (delivered, or refused for good) and the
 * position after the last: one write for many deliveries. Written after
 * them, so an instance that dies first sends them again, as at least once
 * allows, with the same webhook-ids.
 */
const EVENTS_DONE = sql<LeaseValues & AttemptColumns & { leaseMs: number; txid: bigint; eventId: bigint }>(
  'webhook_events_done',
  `
WITH attempt AS (
  INSERT INTO "WebhookAttempt" ("endpointId", "messageId", type, attempt, outcome, status, "latencyMs", error, "responseBody", "nextAttemptAt")
  SELECT :id::uuid, a.* FROM unnest(:messageIds::text[], :types::text[], :attempts::int[], :outcomes::"WebhookOutcome"[], :statuses::int[],
    :latencies::int[], :errors::text[], :bodies::text[], :nextAttempts::timestamptz[]) AS a
)
UPDATE "WebhookEndpoint" SET "positionTxid" = :txid, "positionId" = :eventId, ${HEAD_DONE}
WHERE ${HELD} RETURNING id`,
);

const MESSAGE_DONE = sql<RecordValues & { messageRowId: string }>(
  'webhook_message_done',
  `
WITH ${ATTEMPT}, sent AS (DELETE FROM "WebhookMessage" WHERE id = :messageRowId AND "endpointId" = :id::uuid)
UPDATE "WebhookEndpoint" SET ${HEAD_DONE} WHERE ${HELD} RETURNING id`,
);

/** The head failed and will be tried again at `nextAttemptAt`; events passed over before it are kept as handled. */
const HEAD_RETRY = sql<RecordValues & { txid: bigint; eventId: bigint }>(
  'webhook_head_retry',
  `
WITH ${ATTEMPT}
UPDATE "WebhookEndpoint" SET
  "positionTxid" = :txid, "positionId" = :eventId,
  "headAttempts" = "headAttempts" + 1, "failingSince" = COALESCE("failingSince", now()), "nextAttemptAt" = :nextAttemptAt,
  "leaseOwner" = NULL, "leaseExpiresAt" = NULL
WHERE ${HELD} RETURNING id`,
);

/**
 * The head failed for the whole retry window: the endpoint is disabled where
 * it stands (enabling it again resumes there), and each other enabled
 * endpoint of the account is sent a notice saying so.
 */
const GIVE_UP = sql<RecordValues & { txid: bigint; eventId: bigint; notice: JsonValue }>(
  'webhook_give_up',
  `
WITH ${ATTEMPT}, disabled AS (
  UPDATE "WebhookEndpoint" SET
    "positionTxid" = :txid, "positionId" = :eventId, enabled = false, "disabledReason" = 'FAILING', "disabledAt" = now(),
    "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
  WHERE ${HELD} RETURNING id, "accountId"
), notices AS (
  INSERT INTO "WebhookMessage" ("endpointId", kind, data)
  SELECT other.id, 'ENDPOINT_DISABLED', :notice::jsonb FROM "WebhookEndpoint" other JOIN disabled ON other."accountId" = disabled."accountId"
  WHERE other.enabled AND other.id <> disabled.id
)
SELECT id FROM disabled`,
);

/** Events passed over (not matching the filters) are handled too, so they are not read again. */
const PASS_OVER = sql<LeaseValues & { txid: bigint; eventId: bigint }>(
  'webhook_pass_over',
  `UPDATE "WebhookEndpoint" SET "positionTxid" = :txid, "positionId" = :eventId WHERE ${HELD} AND ("positionTxid", "positionId") < (:txid, :eventId) RETURNING id`,
);

export async function claimEndpoints(owner: string, limit: number, leaseMs: number): Promise<WebhookEndpointRow[]> {
  return (await rowsOf<RawEndpointRow, ClaimValues>(pool(), CLAIM_ENDPOINTS, { owner, leaseMs, limit })).map(endpointRow);
}

export async function releaseEndpoint(id: string, owner: string): Promise<void> {
  await rowsOf(pool(), RELEASE, { id, owner });
}

export async function nextMessage(endpointId: string): Promise<WebhookMessageRow | undefined> {
  const [row] = await rowsOf<WebhookMessageRow, { id: string }>(pool(), NEXT_MESSAGE, { id: endpointId });
  return row;
}

export interface Held {
  endpointId: string;
  owner: string;
  leaseMs: number;
}

function recordValues(held: Held, attempt: AttemptRecord): RecordValues {
  return { id: held.endpointId, owner: held.owner, leaseMs: held.leaseMs, ...attempt };
}

/** Each returns whether this instance still held the endpoint: when not, it stops delivering to it. */
export async function eventsDone(held: Held, attempts: AttemptRecord[], through: LogPosition): Promise<boolean> {
  const values = {
    id: held.endpointId,
    owner: held.owner,
    leaseMs: held.leaseMs,
    txid: through.txid,
    eventId: through.id,
    messageIds: attempts.map((attempt) => attempt.messageId),
    types: attempts.map((attempt) => attempt.type),
    attempts: attempts.map((attempt) => attempt.attempt),
    outcomes: attempts.map((attempt) => attempt.outcome),
    statuses: attempts.map((attempt) => attempt.status),
    latencies: attempts.map((attempt) => attempt.latencyMs),
    errors: attempts.map((attempt) => attempt.error),
    bodies: attempts.map((attempt) => attempt.responseBody),
    nextAttempts: attempts.map((attempt) => attempt.nextAttemptAt),
  };
  return (await rowsOf(pool(), EVENTS_DONE, values)).length > 0;
}

export async function messageDone(held: Held, attempt: AttemptRecord, messageRowId: string): Promise<boolean> {
  return (await rowsOf(pool(), MESSAGE_DONE, { ...recordValues(held, attempt), messageRowId })).length > 0;
}

/** `handled` is the position through which events were passed over before the failing head. */
export async function headRetry(held: Held, attempt: AttemptRecord, handled: LogPosition): Promise<boolean> {
  const values = { ...recordValues(held, attempt), txid: handled.txid, eventId: handled.id };
  return (await rowsOf(pool(), HEAD_RETRY, values)).length > 0;
}

export async function giveUp(held: Held, attempt: AttemptRecord, handled: LogPosition, notice: JsonValue): Promise<boolean> {
  const values = { ...recordValues(held, attempt), txid: handled.txid, eventId: handled.id, notice };
  return (await rowsOf(pool(), GIVE_UP, values)).length > 0;
}

export async function passOver(held: Held, through: LogPosition): Promise<void> {
  await rowsOf(pool(), PASS_OVER, { id: held.endpointId, owner: held.owner, txid: through.txid, eventId: through.id });
}

/** Events an endpoint takes past its position, among its account's settled ones: the filters of the endpoint `w`. */
const TAKEN_AFTER_POSITION = `
  FROM "TaskEvent" e JOIN "Task" t ON t.id = e."taskId"
  WHERE e."accountId" = w."accountId" AND (e.txid, e.id) > (w."positionTxid", w."positionId")
    AND (cardinality(w."eventTypes") = 0 OR e.type = ANY(w."eventTypes"))
    AND (cardinality(w.models) = 0 OR t."modelName" = ANY(w.models))`;

/** Counting stops here: a backlog this long already says what it needs to. */
const BACKLOG_COUNT_CAP = 10_000;

const BACKLOG = sql<{ cap: number }>(
  'webhook_backlog',
  `
SELECT w.id AS "endpointId",
  (SELECT count(*) FROM (SELECT 1 ${TAKEN_AFTER_POSITION} LIMIT :cap) taken)
    + (SELECT count(*) FROM "WebhookMessage" m WHERE m."endpointId" = w.id) AS pending,
  LEAST(
    (SELECT e.at ${TAKEN_AFTER_POSITION} ORDER BY e.txid, e.id LIMIT 1),
    (SELECT min(m."createdAt") FROM "WebhookMessage" m WHERE m."endpointId" = w.id)
  ) AS oldest,
  now() AS now
FROM "WebhookEndpoint" w WHERE w.enabled`,
);

export interface EndpointBacklog {
  endpointId: string;
  pending: number;
  oldestSeconds: number;
}

/** What every enabled endpoint has yet to be sent, for the metrics. */
export async function webhookBacklog(): Promise<EndpointBacklog[]> {
  const rows = await rowsOf<{ endpointId: string; pending: string; oldest: Date | null; now: Date }, { cap: number }>(pool(), BACKLOG, {
    cap: BACKLOG_COUNT_CAP,
  });
  return rows.map((row) => ({
    endpointId: row.endpointId,
    pending: Number(row.pending),
    oldestSeconds: row.oldest ? Math.max(0, (row.now.getTime() - row.oldest.getTime()) / 1000) : 0,
  }));
}
