import { revokedApiKeys, notifyOnCommit, revokeKeyByHash } from '../db/sql/keys.ts';
import { inTransaction } from '../db/sql/transaction.ts';
import { forgetCallers } from './caller-cache.ts';
import { API_KEY_PREFIX, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';

/**
 * Every instance listens on this channel: a notification makes it forget the
 * keys it remembers and end the streams opened with a revoked key.
 */
export const KEY_REVOCATION_CHANNEL = 'taskgate_keys_revoked';

/**
 * Revokes an API key or a worker key, given by its value. This instance
 * refuses it from the next request on; the notification sent on commit makes
 * every other instance drop the keys it remembers and end the key's streams
 * as soon as it arrives. True when a live key was revoked.
 */
export async function revokeKey(key: string): Promise<boolean> {
  const kind = key.startsWith(API_KEY_PREFIX) ? 'api' : key.startsWith(WORKER_KEY_PREFIX) ? 'worker' : undefined;
  if (!kind) return false;
  const revoked = await inTransaction(async (tx) => {
    const done = await revokeKeyByHash(tx, kind, hashKey(key));
    if (done) await notifyOnCommit(tx, KEY_REVOCATION_CHANNEL);
    return done;
  });
  if (revoked) forgetCallers();
  return revoked;
}

/** The open streams of an instance, as revocation sees them: by the key each was opened with. */
export interface KeyedStreams {
  keyIds(): Set<string>;
  endKeys(keyIds: ReadonlySet<string>): void;
}

/**
 * What an instance does when told of a revocation (and after its LISTEN
 * connection comes back, in case it missed one): forget every key it
 * remembers, and end the streams whose key is now revoked, so a revoked key
 * stops receiving events at once, not only on its next request.
 */
export async function heardOfRevocation(streams: KeyedStreams): Promise<void> {
  forgetCallers();
  const open = [...streams.keyIds()];
  if (open.length === 0) return;
  const revoked = await revokedApiKeys(open);
  if (revoked.length > 0) streams.endKeys(new Set(revoked));
}
