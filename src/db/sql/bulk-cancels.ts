import type { BulkCancelState } from '../../generated/prisma/enums.ts';
import type { JsonValue } from '../../domain/json.ts';
import { pool } from '../client.ts';
import { rowsOf, sql, UNIQUE_VIOLATION, violatedConstraint } from './statement.ts';

export interface BulkCancelRow {
  id: string;
  accountId: string;
  apiKeyId: string | null;
  clientKey: string;
  filter: JsonValue;
  reason: string | null;
  state: BulkCancelState;
  matched: number;
  cancelled: number;
  refunded: number;
  skipped: JsonValue;
  afterCreatedAt: Date | null;
  afterId: string | null;
  asOf: Date;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface NewBulkCancel {
  accountId: string;
  apiKeyId: string | null;
  clientKey: string;
  /** JSON text of the filter, as given. */
  filter: string;
  reason: string | null;
}

const INSERT = sql<NewBulkCancel>(
  'insert_bulk_cancel',
  `INSERT INTO "BulkCancel" ("accountId", "apiKeyId", "clientKey", filter, reason, "asOf")
   VALUES (:accountId::uuid, :apiKeyId::uuid, :clientKey, :filter::jsonb, :reason, now()) RETURNING *`,
);

const BY_KEY = sql<{ accountId: string; clientKey: string }>(
  'bulk_cancel_by_key',
  `SELECT * FROM "BulkCancel" WHERE "accountId" = :accountId::uuid AND "clientKey" = :clientKey`,
);

const BY_ID = sql<{ accountId: string; id: string }>(
  'bulk_cancel_by_id',
  `SELECT * FROM "BulkCancel" WHERE "accountId" = :accountId::uuid AND id = :id::uuid`,
);

/** Running jobs no instance holds, leased to this one; a dead instance's job is taken over once its lease runs out. */
const CLAIM = sql<{ owner: string; leaseMs: number; limit: number }>(
  'claim_bulk_cancels',
  `
WITH due AS (
  SELECT id FROM "BulkCancel" WHERE state = 'RUNNING' AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < now())
  ORDER BY "createdAt" LIMIT :limit FOR UPDATE SKIP LOCKED
)
UPDATE "BulkCancel" b SET "leaseOwner" = :owner::uuid, "leaseExpiresAt" = now() + make_interval(secs => :leaseMs / 1000.0)
FROM due WHERE b.id = due.id RETURNING b.*`,
);

export interface BatchCounts {
  matched: number;
  cancelled: number;
  refunded: number;
  finished: number;
  pendingNotCancellable: number;
  runnerNotSupported: number;
}

interface BatchValues extends BatchCounts {
  id: string;
  owner: string;
  leaseMs: number;
  afterCreatedAt: Date | null;
  afterId: string | null;
  done: boolean;
}

function skipCount(name: string, param: string): string {
  return `'${name}', COALESCE((skipped->>'${name}')::int, 0) + :${param}`;
}

/** A batch's counts and where the job goes on from, written only while this instance holds it. */
const RECORD_BATCH = sql<BatchValues>(
  'record_bulk_cancel_batch',
  `
UPDATE "BulkCancel" SET
  matched = matched + :matched, cancelled = cancelled + :cancelled, refunded = refunded + :refunded,
  skipped = jsonb_build_object(${skipCount('ALREADY_FINISHED', 'finished')}, ${skipCount('PENDING_NOT_CANCELLABLE', 'pendingNotCancellable')}, ${skipCount('RUNNER_NOT_SUPPORTED', 'runnerNotSupported')}),
  "afterCreatedAt" = :afterCreatedAt, "afterId" = :afterId::uuid,
  state = CASE WHEN :done THEN 'DONE'::"BulkCancelState" ELSE state END,
  "finishedAt" = CASE WHEN :done THEN now() END,
  "leaseOwner" = CASE WHEN :done THEN NULL ELSE "leaseOwner" END,
  "leaseExpiresAt" = CASE WHEN :done THEN NULL ELSE now() + make_interval(secs => :leaseMs / 1000.0) END
WHERE id = :id::uuid AND "leaseOwner" = :owner::uuid
RETURNING id`,
);

/** The job with this client key, made now, or the one made before with it. */
export async function insertOrFindBulkCancel(values: NewBulkCancel): Promise<{ job: BulkCancelRow; created: boolean }> {
  try {
    const [job] = await rowsOf<BulkCancelRow, NewBulkCancel>(pool(), INSERT, values);
    if (!job) throw new Error('INSERT of a bulk cancel returned no row');
    return { job, created: true };
  } catch (error) {
    if (violatedConstraint(error, UNIQUE_VIOLATION) !== 'BulkCancel_accountId_clientKey_key') throw error;
    const [job] = await rowsOf<BulkCancelRow, { accountId: string; clientKey: string }>(pool(), BY_KEY, values);
    if (!job) throw new Error('a bulk cancel vanished between its key and its read', { cause: error });
    return { job, created: false };
  }
}

export async function findBulkCancel(accountId: string, id: string): Promise<BulkCancelRow | undefined> {
  const [job] = await rowsOf<BulkCancelRow, { accountId: string; id: string }>(pool(), BY_ID, { accountId, id });
  return job;
}

export function claimBulkCancels(owner: string, limit: number, leaseMs: number): Promise<BulkCancelRow[]> {
  return rowsOf<BulkCancelRow, { owner: string; leaseMs: number; limit: number }>(pool(), CLAIM, { owner, leaseMs, limit });
}

/** Whether this instance still held the job. */
export async function recordBatch(values: BatchValues): Promise<boolean> {
  return (await rowsOf(pool(), RECORD_BATCH, values)).length > 0;
}
