import type { TaskEventType } from '../../generated/prisma/enums.ts';
import { pool } from '../client.ts';
import type { LogPosition } from './event-log.ts';
import type { WebhookEndpointRow } from './rows.ts';
import { rowsOf, sql } from './statement.ts';

/** Endpoints one account may have; each is a stream walked and a receiver called for every event. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

/** An endpoint row as the driver gives it: bigint columns in text, and an array of an enum as its literal, `{A,B}`. */
export type RawEndpointRow = Omit<WebhookEndpointRow, 'positionTxid' | 'positionId' | 'eventTypes'> & {
  positionTxid: string;
  positionId: string;
  eventTypes: string | TaskEventType[];
};

/** Enum labels are plain words, so the array literal splits on its commas exactly. */
function enumArray(literal: string | TaskEventType[]): TaskEventType[] {
  if (Array.isArray(literal)) return literal;
  const inner = literal.slice(1, -1);
  return inner === '' ? [] : (inner.split(',') as TaskEventType[]);
}

export function endpointRow(raw: RawEndpointRow): WebhookEndpointRow {
  return { ...raw, eventTypes: enumArray(raw.eventTypes), positionTxid: BigInt(raw.positionTxid), positionId: BigInt(raw.positionId) };
}

/** The first row of `rows` as an endpoint. */
function firstEndpoint(rows: RawEndpointRow[]): WebhookEndpointRow | undefined {
  const [row] = rows;
  return row && endpointRow(row);
}

interface Owned {
  id: string;
  accountId: string;
}

interface NewEndpointValues {
  accountId: string;
  url: string;
  description: string | null;
  eventTypes: TaskEventType[];
  models: string[];
  secret: string;
  positionTxid: bigint;
  positionId: bigint;
  max: number;
}

const INSERT_ENDPOINT = sql<NewEndpointValues>(
  'insert_webhook_endpoint',
  `
INSERT INTO "WebhookEndpoint" ("accountId", url, description, "eventTypes", models, secret, "positionTxid", "positionId")
SELECT :accountId::uuid, :url, :description, :eventTypes::"TaskEventType"[], :models::text[], :secret, :positionTxid, :positionId
WHERE (SELECT count(*) FROM "WebhookEndpoint" WHERE "accountId" = :accountId::uuid) < :max
RETURNING *`,
);

export interface EndpointChanges {
  url: string;
  description: string | null;
  eventTypes: TaskEventType[];
  models: string[];
  enabled: boolean;
}

/**
 * Enabling a disabled endpoint starts its head afresh; any change ends the
 * lease of an instance delivering to it, whose later writes then change
 * nothing, so the next delivery follows the new settings.
 */
const UPDATE_ENDPOINT = sql<Owned & EndpointChanges>(
  'update_webhook_endpoint',
  `
UPDATE "WebhookEndpoint" SET
  url = :url, description = :description, "eventTypes" = :eventTypes::"TaskEventType"[], models = :models::text[],
  "disabledReason" = CASE WHEN :enabled THEN NULL WHEN enabled THEN 'CLIENT' ELSE "disabledReason" END,
  "disabledAt" = CASE WHEN :enabled THEN NULL WHEN enabled THEN now() ELSE "disabledAt" END,
  "headAttempts" = CASE WHEN :enabled AND NOT enabled THEN 0 ELSE "headAttempts" END,
  "failingSince" = CASE WHEN :enabled AND NOT enabled THEN NULL ELSE "failingSince" END,
  "nextAttemptAt" = CASE WHEN :enabled AND NOT enabled THEN now() ELSE "nextAttemptAt" END,
  enabled = :enabled, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
WHERE id = :id::uuid AND "accountId" = :accountId::uuid
RETURNING *`,
);

const ROTATE_SECRET = sql<Owned & { secret: string; overlapSeconds: number }>(
  'rotate_webhook_secret',
  `
UPDATE "WebhookEndpoint" SET
  "previousSecret" = CASE WHEN :overlapSeconds > 0 THEN secret END,
  "previousSecretExpiresAt" = CASE WHEN :overlapSeconds > 0 THEN now() + make_interval(secs => :overlapSeconds) END,
  secret = :secret, "updatedAt" = now()
WHERE id = :id::uuid AND "accountId" = :accountId::uuid
RETURNING *`,
);

const DELETE_ENDPOINT = sql<Owned>(
  'delete_webhook_endpoint',
  `DELETE FROM "WebhookEndpoint" WHERE id = :id::uuid AND "accountId" = :accountId::uuid RETURNING id`,
);

const ENDPOINT = sql<Owned>('webhook_endpoint', `SELECT * FROM "WebhookEndpoint" WHERE id = :id::uuid AND "accountId" = :accountId::uuid`);

/** A replay walks the log again from a position; the head and the lease start afresh, as on enabling. */
const REPLAY_FROM = sql<Owned & { txid: bigint; eventId: bigint }>(
  'replay_webhook_endpoint',
  `
UPDATE "WebhookEndpoint" SET
  "positionTxid" = :txid, "positionId" = :eventId, "headAttempts" = 0, "failingSince" = NULL, "nextAttemptAt" = now(),
  "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = now()
WHERE id = :id::uuid AND "accountId" = :accountId::uuid
RETURNING *`,
);

/** A redelivery of one of the account's events still in the log; no row when the endpoint or the event is not the account's. */
const QUEUE_REDELIVERY = sql<Owned & { txid: bigint; eventId: bigint }>(
  'queue_webhook_redelivery',
  `
INSERT INTO "WebhookMessage" ("endpointId", kind, "eventTxid", "eventId")
SELECT w.id, 'REDELIVERY', e.txid, e.id
FROM "WebhookEndpoint" w JOIN "TaskEvent" e ON e."accountId" = w."accountId" AND e.txid = :txid AND e.id = :eventId
WHERE w.id = :id::uuid AND w."accountId" = :accountId::uuid
RETURNING id`,
);

const UNKNOWN_MODELS = sql<{ models: string[] }>(
  'unknown_models',
  `SELECT wanted.model AS name FROM unnest(:models::text[]) AS wanted(model) WHERE NOT EXISTS (SELECT 1 FROM "Model" m WHERE m.name = wanted.model)`,
);

/** The names among `models` the catalog does not have. */
export async function unknownModels(models: string[]): Promise<string[]> {
  return (await rowsOf<{ name: string }, { models: string[] }>(pool(), UNKNOWN_MODELS, { models })).map((row) => row.name);
}

/** A new endpoint, at `position`; undefined when the account already has as many as it may. */
export async function insertEndpoint(values: Omit<NewEndpointValues, 'positionTxid' | 'positionId' | 'max'>, position: LogPosition): Promise<WebhookEndpointRow | undefined> {
  return firstEndpoint(
    await rowsOf<RawEndpointRow, NewEndpointValues>(pool(), INSERT_ENDPOINT, {
      ...values,
      positionTxid: position.txid,
      positionId: position.id,
      max: MAX_WEBHOOK_ENDPOINTS,
    }),
  );
}

export async function findEndpoint(accountId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  return firstEndpoint(await rowsOf<RawEndpointRow, Owned>(pool(), ENDPOINT, { id, accountId }));
}

export async function updateEndpoint(accountId: string, id: string, changes: EndpointChanges): Promise<WebhookEndpointRow | undefined> {
  return firstEndpoint(await rowsOf<RawEndpointRow, Owned & EndpointChanges>(pool(), UPDATE_ENDPOINT, { id, accountId, ...changes }));
}

export async function rotateSecret(accountId: string, id: string, secret: string, overlapSeconds: number): Promise<WebhookEndpointRow | undefined> {
  return firstEndpoint(
    await rowsOf<RawEndpointRow, Owned & { secret: string; overlapSeconds: number }>(pool(), ROTATE_SECRET, { id, accountId, secret, overlapSeconds }),
  );
}

export async function deleteEndpoint(accountId: string, id: string): Promise<boolean> {
  return (await rowsOf(pool(), DELETE_ENDPOINT, { id, accountId })).length > 0;
}

export async function replayFrom(accountId: string, id: string, position: LogPosition): Promise<WebhookEndpointRow | undefined> {
  return firstEndpoint(
    await rowsOf<RawEndpointRow, Owned & { txid: bigint; eventId: bigint }>(pool(), REPLAY_FROM, { id, accountId, txid: position.txid, eventId: position.id }),
  );
}

/** Whether the redelivery was queued: false when the event is not one of the account's still in the log. */
export async function queueRedelivery(accountId: string, id: string, event: LogPosition): Promise<boolean> {
  return (await rowsOf(pool(), QUEUE_REDELIVERY, { id, accountId, txid: event.txid, eventId: event.id })).length > 0;
}
