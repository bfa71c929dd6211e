import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { outageLog } from '../observability/outage-log.ts';
import { type Counter, type RateLimit, windowsOf } from './rate-limiter.ts';

/** A count that takes longer than this is given up on: a slow Redis must not slow every request. */
const REDIS_COMMAND_TIMEOUT_MS = 250;

export interface SharedCounter {
  counter: Counter;
  /** Closes the Redis connection. */
  close(): Promise<void>;
}

/**
 * Request counts kept in Redis, so that every instance sharing it allows a
 * key the limit once between them, not once each. While Redis cannot be
 * reached, each instance counts in its own memory (rate-limiter-flexible's
 * insurance limiter): the limit holds per instance rather than failing open
 * or refusing every request; the outage is logged once, and its end.
 */
export function sharedCounter(limit: RateLimit, redisUrl: string, keyPrefix: string, logger: Logger): SharedCounter {
  const redis = new Redis(redisUrl, {
    // Queued commands would wait out an outage; failing at once lets the memory count take over.
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
  });
  const outage = outageLog(logger, 'shared rate limits (Redis)');
  redis.on('error', (error: unknown) => {
    outage.failed(error);
  });
  redis.on('ready', () => {
    outage.succeeded();
  });
  const { sustained, burst } = windowsOf(limit);
  const counted = (window: typeof sustained, name: string) =>
    new RateLimiterRedis({
      storeClient: redis,
      ...window,
      keyPrefix: `${keyPrefix}${name}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ ...window, keyPrefix: `${keyPrefix}${name}` }),
    });
  return {
    counter: new BurstyRateLimiter(counted(sustained, 'rate'), counted(burst, 'burst')),
    close: async () => {
      await redis.quit().catch(() => {
        redis.disconnect();
      });
    },
  };
}
