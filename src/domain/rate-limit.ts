/** A token bucket: `tokens` left as of `at` (ms). */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

export type Admission = { admitted: true; bucket: Bucket } | { admitted: false; bucket: Bucket; retryAfterSeconds: number };

/** Takes one request's token from `bucket` at `now`, refilled at the limit's rate since its last use. */
export function admit(bucket: Bucket | undefined, limit: RateLimit, now: number): Admission {
  const previous = bucket ?? { tokens: limit.burst, at: now };
  const tokens = Math.min(limit.burst, previous.tokens + ((now - previous.at) / 1000) * limit.perSecond);
  if (tokens >= 1) return { admitted: true, bucket: { tokens: tokens - 1, at: now } };
  return {
    admitted: false,
    bucket: { tokens, at: now },
    retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)),
  };
}
