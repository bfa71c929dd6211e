import { db } from '../db/client.ts';
import { API_KEY_PREFIX, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';

/**
 * Revokes an API key or a worker key, given by its value; it is refused from
 * the next request on. True when a live key was revoked.
 */
export async function revokeKey(key: string): Promise<boolean> {
  const where = { hash: hashKey(key), revokedAt: null };
  const data = { revokedAt: new Date() };
  if (key.startsWith(API_KEY_PREFIX)) return (await db().apiKey.updateMany({ where, data })).count > 0;
  if (key.startsWith(WORKER_KEY_PREFIX)) return (await db().workerKey.updateMany({ where, data })).count > 0;
  return false;
}
