import { db } from '../db/client.ts';
import { API_KEY_PREFIX, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';

export type Caller =
  | { kind: 'client'; accountId: string; apiKeyId: string }
  | { kind: 'worker'; workerId: string; workerKeyId: string }
  | { kind: 'anonymous' };

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
  if (key.startsWith(API_KEY_PREFIX)) {
    const apiKey = await db().apiKey.findUnique({ where: { hash } });
    return apiKey && !apiKey.revokedAt ? { kind: 'client', accountId: apiKey.accountId, apiKeyId: apiKey.id } : ANONYMOUS;
  }
  if (key.startsWith(WORKER_KEY_PREFIX)) {
    const workerKey = await db().workerKey.findUnique({ where: { hash } });
    return workerKey && !workerKey.revokedAt
      ? { kind: 'worker', workerId: workerKey.workerId, workerKeyId: workerKey.id }
      : ANONYMOUS;
  }
  return ANONYMOUS;
}
