import type { Caller } from './caller.ts';

/**
 * Who a key belongs to, remembered briefly so a request need not look its key
 * up again. A revocation drops every entry at once: on this instance directly,
 * on the others through a notification (revocation.ts). The short life bounds
 * how long a key could outlive a notification lost while an instance's
 * LISTEN connection was down (the entries are dropped on reconnection too).
 */
const LIFETIME_MS = 1_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  caller: Caller;
  expiresAt: number;
}

const entries = new Map<string, Entry>();

/** The caller cached under a key's hash, unless expired. */
export function cachedCaller(hash: string, now: number): Caller | undefined {
  const entry = entries.get(hash);
  if (!entry) return undefined;
  if (entry.expiresAt <= now) {
    entries.delete(hash);
    return undefined;
  }
  return entry.caller;
}

export function cacheCaller(hash: string, caller: Caller, now: number): void {
  // Map keeps insertion order, so the first key is the oldest entry.
  if (entries.size >= MAX_ENTRIES) {
    const oldest = entries.keys().next();
    if (!oldest.done) entries.delete(oldest.value);
  }
  entries.set(hash, { caller, expiresAt: now + LIFETIME_MS });
}

export function forgetCallers(): void {
  entries.clear();
}
