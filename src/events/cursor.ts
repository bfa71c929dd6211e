import type { EventPosition } from './position.ts';

const PREFIX = 'ev1:';
/** Both parts are bigint columns; a larger number is no position and must not reach a query. */
const MAX_BIGINT = 2n ** 63n - 1n;

/** Cursors are opaque to clients, so their encoding can change under a new prefix. */
export function encodeEventCursor(position: EventPosition): string {
  return Buffer.from(`${PREFIX}${position.txid}:${position.id}`).toString('base64url');
}

/** The position inside a cursor, or undefined when it is not one. */
export function decodeEventCursor(cursor: string): EventPosition | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^ev1:(\d{1,19}):(\d{1,19})$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const position = { txid: BigInt(match[1]), id: BigInt(match[2]) };
  return position.txid > MAX_BIGINT || position.id > MAX_BIGINT ? undefined : position;
}
