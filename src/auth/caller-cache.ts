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
/** Lookups under way, by key hash: the requests of a busy key that find its entry expired share one. */
const lookups = new Map<string, Promise<Caller>>();
/** Moved by every revocation: a lookup that began before one is not remembered. */
let generation = 0;

function cachedCaller(hash: string, now: number): Caller | undefined {
  const entry = entries.get(hash);
  if (!entry) return undefined;
  if (entry.expiresAt <= now) {
    entries.delete(hash);
    return undefined;
  }
  return entry.caller;
}

function cacheCaller(hash: string, caller: Caller, now: number): void {
  // Map keeps insertion order, so the first key is the oldest entry.
  if (entries.size >= MAX_ENTRIES) {
    const oldest = entries.keys().next();
    if (!oldest.done) entries.delete(oldest.value);
  }
  entries.set(hash, { caller, expiresAt: now + LIFETIME_MS });
}

/**
 * The caller of a key's hash: remembered, or looked up once however many
 * requests ask at the same time. Unknown keys are not remembered: a new key
 * works at once, and guesses cannot fill the cache.
 */
export function rememberedCaller(hash: string, lookUp: () => Promise<Caller>): Caller | Promise<Caller> {
  const cached = cachedCaller(hash, Date.now());
  if (cached) return cached;
  let lookup = lookups.get(hash);
  if (!lookup) {
    const startedIn = generation;
    lookup = lookUp().then(
      (caller) => {
        if (lookups.get(hash) === lookup) lookups.delete(hash);
        if (caller.kind !== 'anonymous' && startedIn === generation) cacheCaller(hash, caller, Date.now());
        return caller;
      },
      (error: unknown) => {
        if (lookups.get(hash) === lookup) lookups.delete(hash);
        throw error;
      },
    );
    lookups.set(hash, lookup);
  }
  return lookup;
}

/** Forgets every caller, and any lookup under way: a revoked key is looked up again. */
export function forgetCallers(): void {
  entries.clear();
  lookups.clear();
  generation += 1;
}
