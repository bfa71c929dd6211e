const PREFIX = 'ev1:';

/** Cursors are opaque to clients so their encoding can change with a new prefix. */
export function encodeEventCursor(id: bigint): string {
  return Buffer.from(PREFIX + id.toString()).toString('base64url');
}

/** The event id inside a cursor, or undefined when it is not one. */
export function decodeEventCursor(cursor: string): bigint | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return undefined;
  const digits = text.slice(PREFIX.length);
  return /^\d{1,19}$/.test(digits) ? BigInt(digits) : undefined;
}
