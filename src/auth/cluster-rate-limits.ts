import { BurstyRateLimiter, RateLimiterCluster, RateLimiterClusterMaster } from 'rate-limiter-flexible';
import { type Counter, type RateLimit, windowsOf } from './rate-limiter.ts';

/** How long a process waits for the primary's count before the request fails. */
const COUNT_TIMEOUT_MS = 1_000;

/**
 * Request counts kept by the primary process for every process of its
 * cluster (rate-limiter-flexible's cluster limiter, over node:cluster's
 * channel), so a key gets its limit once between them, whichever process
 * its connections land on.
 */
export function clusterCounter(limit: RateLimit): Counter {
  const { sustained, burst } = windowsOf(limit);
  return new BurstyRateLimiter(
    new RateLimiterCluster({ ...sustained, keyPrefix: 'taskgate-rate', timeoutMs: COUNT_TIMEOUT_MS }),
    new RateLimiterCluster({ ...burst, keyPrefix: 'taskgate-burst', timeoutMs: COUNT_TIMEOUT_MS }),
  );
}

/** The primary's side of `clusterCounter`: it keeps the counts its processes ask for. */
export function countForProcesses(): void {
  new RateLimiterClusterMaster();
}
