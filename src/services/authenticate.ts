import { pool } from '../db/client.ts';
import { rowsOf, statement } from '../db/statement.ts';
import { cacheCaller, cachedCaller } from './caller-cache.ts';
import { API_KEY_PREFIX, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';

export type Caller =
  | { kind: 'client'; accountId: string; apiKeyId: string }
  | { kind: 'worker'; workerId: string; workerKeyId: string }
  | { kind: 'anonymous' };

const ANONYMOUS: Caller = { kind: 'anonymous' };

export const LIVE_API_KEY = statement(
  'live_api_key',
  `SELECT id, "accountId" FROM "ApiKey" WHERE hash = $1 AND "revokedAt" IS NULL`,
);
export const LIVE_WORKER_KEY = statement(
  'live_worker_key',
  `SELECT id, "workerId" FROM "WorkerKey" WHERE hash = $1 AND "revokedAt" IS NULL`,
);

/** The key of an `Authorization: Bearer <key>` header, if it has that shape. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Who sends `key`: a client of an account, a worker, or nobody known (missing, unknown or revoked key). */
export async function authenticate(key: string | undefined): Promise<Caller> {
  if (!key) return ANONYMOUS;
  const hash = hashKey(key);
  const now = Date.now();
  const cached = cachedCaller(hash, now);
  if (cached) return cached;
  const caller = await lookUp(key, hash);
  // Unknown keys are not remembered: a new key works at once, and guesses cannot fill the cache.
  if (caller.kind !== 'anonymous') cacheCaller(hash, caller, now);
  return caller;
}

async function lookUp(key: string, hash: string): Promise<Caller> {
  if (key.startsWith(API_KEY_PREFIX)) {
    const [apiKey] = await rowsOf<{ id: string; accountId: string }>(pool(), LIVE_API_KEY, [hash]);
    return apiKey ? { kind: 'client', accountId: apiKey.accountId, apiKeyId: apiKey.id } : ANONYMOUS;
  }
  if (key.startsWith(WORKER_KEY_PREFIX)) {
    const [workerKey] = await rowsOf<{ id: string; workerId: string }>(pool(), LIVE_WORKER_KEY, [hash]);
    return workerKey ? { kind: 'worker', workerId: workerKey.workerId, workerKeyId: workerKey.id } : ANONYMOUS;
  }
  return ANONYMOUS;
}
