import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';
import type { Tx } from './transaction.ts';

export const LIVE_API_KEY = sql<{ hash: string }>(
  'live_api_key',
  `SELECT id, "accountId" FROM "ApiKey" WHERE hash = :hash AND "revokedAt" IS NULL`,
);
export const LIVE_WORKER_KEY = sql<{ hash: string }>(
  'live_worker_key',
  `SELECT id, "workerId" FROM "WorkerKey" WHERE hash = :hash AND "revokedAt" IS NULL`,
);

const REVOKED_API_KEYS_AMONG = sql<{ ids: string[] }>(
  'revoked_api_keys_among',
  `SELECT id FROM "ApiKey" WHERE id = ANY(:ids::uuid[]) AND "revokedAt" IS NOT NULL`,
);

interface RevokeValues {
  hash: string;
}

const REVOKE_API_KEY = sql<RevokeValues>(
  'revoke_api_key',
  `UPDATE "ApiKey" SET "revokedAt" = now() WHERE hash = :hash AND "revokedAt" IS NULL RETURNING id`,
);
const REVOKE_WORKER_KEY = sql<RevokeValues>(
  'revoke_worker_key',
  `UPDATE "WorkerKey" SET "revokedAt" = now() WHERE hash = :hash AND "revokedAt" IS NULL RETURNING id`,
);

const NOTIFY = sql<{ channel: string }>('notify', `SELECT pg_notify(:channel, '')`);

export async function liveApiKey(hash: string): Promise<{ id: string; accountId: string } | undefined> {
  const [row] = await rowsOf<{ id: string; accountId: string }, { hash: string }>(pool(), LIVE_API_KEY, { hash });
  return row;
}

export async function liveWorkerKey(hash: string): Promise<{ id: string; workerId: string } | undefined> {
  const [row] = await rowsOf<{ id: string; workerId: string }, { hash: string }>(pool(), LIVE_WORKER_KEY, { hash });
  return row;
}

/** Which of these API keys have been revoked. */
export async function revokedApiKeys(ids: string[]): Promise<string[]> {
  return (await rowsOf<{ id: string }, { ids: string[] }>(pool(), REVOKED_API_KEYS_AMONG, { ids })).map((row) => row.id);
}

/** Revokes the live key of this hash, of the kind given, in the caller's transaction; whether one was live. */
export async function revokeKeyByHash(tx: Tx, kind: 'api' | 'worker', hash: string): Promise<boolean> {
  return (await rowsOf(tx, kind === 'api' ? REVOKE_API_KEY : REVOKE_WORKER_KEY, { hash })).length > 0;
}

/** A notification on `channel`, sent when the caller's transaction commits. */
export async function notifyOnCommit(tx: Tx, channel: string): Promise<void> {
  await rowsOf(tx, NOTIFY, { channel });
}
