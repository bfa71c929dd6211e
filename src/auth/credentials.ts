import { hash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'tg_api_';
export const WORKER_KEY_PREFIX = 'tg_worker_';

/** A new secret key; only its hash is ever stored. */
export function generateKey(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Keys are 256 random bits, so a fast hash is enough to make a stolen table useless. */
export function hashKey(key: string): string {
  // One call, no Hash object: it runs for every request.
  return hash('sha256', key, 'hex');
}
