/** How a failing head is retried. */
export interface RetryPolicy {
  /** The wait after the first failure; each further failure doubles it. */
  baseMs: number;
  /** The longest wait between two attempts. */
  maxMs: number;
  /** How long a head may fail before its endpoint is disabled. */
  giveUpAfterMs: number;
}

/**
 * 5 s, doubling to 6 h between attempts, for 3 days: about 24 attempts, most
 * in the first hours, when a receiver is most likely to come back.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 5_000, maxMs: 6 * 3_600_000, giveUpAfterMs: 3 * 24 * 3_600_000 };

/** A receiver's Retry-After is honoured up to this; longer, and it would outlast the window anyway. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * The wait before the next attempt after `failedAttempts` failures in a row:
 * exponential and capped, with half of it random ("equal jitter") so that
 * endpoints that failed together do not all come back at once; never sooner
 * than the receiver's Retry-After.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, retryAfterMs: number | null, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failedAttempts - 1));
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Whether a head failing since `failingSince` has failed for the whole window. */
export function windowPassed(failingSince: Date, now: Date, policy: RetryPolicy): boolean {
  return now.getTime() - failingSince.getTime() >= policy.giveUpAfterMs;
}
