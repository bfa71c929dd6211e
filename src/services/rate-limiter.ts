import { RateLimitedError } from '../domain/errors.ts';
import { admit, type Bucket, type RateLimit } from '../domain/rate-limit.ts';

export interface RateLimiter {
  /** Undefined when the key may go on; the error to answer with when it must wait. */
  check(keyId: string): RateLimitedError | undefined;
}

/** Buckets idle this long are full again, so they are dropped rather than kept. */
const IDLE_MS = 60_000;

/**
 * Per-key request limits of this instance, so one tenant cannot take all of
 * it. Each instance counts for itself: N instances allow N times the rate.
 */
export function createRateLimiter(limit: RateLimit, clock: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let lastSweep = clock();
  return {
    check(keyId) {
      const now = clock();
      if (now - lastSweep > IDLE_MS) {
        for (const [id, bucket] of buckets) if (now - bucket.at > IDLE_MS) buckets.delete(id);
        lastSweep = now;
      }
      const admission = admit(buckets.get(keyId), limit, now);
      buckets.set(keyId, admission.bucket);
      return admission.admitted ? undefined : new RateLimitedError(admission.retryAfterSeconds);
    },
  };
}
