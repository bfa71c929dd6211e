import { pool } from '../db/client.ts';
import { rowsOf, statement } from '../db/statement.ts';
import type { EventHub } from './event-hub.ts';

const REVOKED_AMONG = statement(
  'revoked_api_keys_among',
  `SELECT id FROM "ApiKey" WHERE id = ANY($1::uuid[]) AND "revokedAt" IS NOT NULL`,
);

/**
 * Ends the streams whose key has been revoked, so a revoked key stops
 * receiving events at once, not only on its next request.
 */
export async function endRevokedStreams(hub: EventHub): Promise<void> {
  const open = [...hub.keyIds()];
  if (open.length === 0) return;
  const revoked = await rowsOf<{ id: string }>(pool(), REVOKED_AMONG, [open]);
  if (revoked.length > 0) hub.endKeys(new Set(revoked.map(({ id }) => id)));
}
