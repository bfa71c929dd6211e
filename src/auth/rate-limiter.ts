import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../domain/errors.ts';

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed at once after a quiet spell. */
  burst: number;
}

export interface RateLimiter {
  /** Takes one request of the key; the error to answer with when the key must wait. */
  consume(keyId: string): Promise<RateLimitedError | undefined>;
}

/** A count of requests allowed in each window of `duration` whole seconds. */
export interface Window {
  points: number;
  duration: number;
}

/**
 * A limit as rate-limiter-flexible counts it, in fixed windows: the
 * sustained rate, `perSecond` in each second (in each few seconds below one a
 * second), and on top of it the rest of the burst, allowed once in each
 * burst / perSecond seconds, so a quiet key may send `burst` at once.
 */
export function windowsOf(limit: RateLimit): { sustained: Window; burst: Window } {
  const duration = limit.perSecond >= 1 ? 1 : Math.ceil(1 / limit.perSecond);
  const sustained = { points: Math.max(1, Math.round(limit.perSecond * duration)), duration };
  return {
    sustained,
    burst: { points: Math.max(0, limit.burst - sustained.points), duration: Math.max(1, Math.ceil(limit.burst / limit.perSecond)) },
  };
}

/** What counts the requests: in this instance's memory, or in a store the instances share. */
export type Counter = Pick<BurstyRateLimiter, 'consume'>;

export function memoryCounter(limit: RateLimit): Counter {
  const { sustained, burst } = windowsOf(limit);
  return new BurstyRateLimiter(
    new RateLimiterMemory({ ...sustained, keyPrefix: 'taskgate-rate' }),
    new RateLimiterMemory({ ...burst, keyPrefix: 'taskgate-burst' }),
  );
}

/**
 * Per-key request limits, so one tenant cannot take a gateway's capacity
 * from the others: each request (an HTTP request, or an operation over a
 * WebSocket) takes one point from its key.
 */
export function createRateLimiter(limiter: Counter): RateLimiter {
  return {
    async consume(keyId) {
      try {
        await limiter.consume(keyId);
        return undefined;
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return new RateLimitedError(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)));
      }
    },
  };
}
