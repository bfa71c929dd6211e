import { liveApiKey, liveWorkerKey } from '../db/sql/keys.ts';
import { rememberedCaller } from './caller-cache.ts';
import type { Caller } from './caller.ts';
import { API_KEY_PREFIX, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';

const ANONYMOUS: Caller = { kind: 'anonymous' };

/** The key of an `Authorization: Bearer <key>` header, if it has that shape. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** Who sends `key`: a client of an account, a worker, or nobody known (missing, unknown or revoked key). */
export async function authenticate(key: string | undefined): Promise<Caller> {
  if (!key) return ANONYMOUS;
  const hash = hashKey(key);
  return rememberedCaller(hash, () => lookUp(key, hash));
}

async function lookUp(key: string, hash: string): Promise<Caller> {
  if (key.startsWith(API_KEY_PREFIX)) {
    const apiKey = await liveApiKey(hash);
    return apiKey ? { kind: 'client', accountId: apiKey.accountId, apiKeyId: apiKey.id } : ANONYMOUS;
  }
  if (key.startsWith(WORKER_KEY_PREFIX)) {
    const workerKey = await liveWorkerKey(hash);
    return workerKey ? { kind: 'worker', workerId: workerKey.workerId, workerKeyId: workerKey.id } : ANONYMOUS;
  }
  return ANONYMOUS;
}
