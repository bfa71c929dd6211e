/**
 * Where an event stands in the log: its writing transaction, then its id.
 * Events are read in this order and only below the oldest transaction still
 * running, so an event with a lower id that commits late is never passed over
 * (a plain `id > last` read would skip it).
 */
export interface EventPosition {
  txid: bigint;
  id: bigint;
}

export const LOG_START: EventPosition = { txid: 0n, id: 0n };

function comparePositions(a: EventPosition, b: EventPosition): number {
  if (a.txid !== b.txid) return a.txid < b.txid ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

export function isAfter(a: EventPosition, b: EventPosition): boolean {
  return comparePositions(a, b) > 0;
}
