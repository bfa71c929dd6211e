import { db } from '../db/client.ts';
import { forgetCallers, KEY_REVOCATION_CHANNEL } from './caller-cache.ts';
import { API_KEY_PREFIX, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';

/**
 * Revokes an API key or a worker key, given by its value. This instance
 * refuses it from the next request on; the notification sent on commit makes
 * every other instance drop the keys it remembers and end the key's streams
 * as soon as it arrives. True when a live key was revoked.
 */
export async function revokeKey(key: string): Promise<boolean> {
  const where = { hash: hashKey(key), revokedAt: null };
  const data = { revokedAt: new Date() };
  const revoked = await db().$transaction(async (tx) => {
    const count = key.startsWith(API_KEY_PREFIX)
      ? (await tx.apiKey.updateMany({ where, data })).count
      : key.startsWith(WORKER_KEY_PREFIX)
        ? (await tx.workerKey.updateMany({ where, data })).count
        : 0;
    if (count > 0) await tx.$executeRawUnsafe(`NOTIFY ${KEY_REVOCATION_CHANNEL}`);
    return count > 0;
  });
  if (revoked) forgetCallers();
  return revoked;
}
