import { Redis } from 'ioredis';

/**
 * The Redis the shared-limit tests use. CI names it in TASKGATE_TEST_REDIS_URL,
 * and then it must be there; elsewhere the machine's own is used if it runs.
 */
export const TEST_REDIS_URL = process.env.TASKGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const REQUIRED = process.env.TASKGATE_TEST_REDIS_URL !== undefined;

/** Whether the tests can reach TEST_REDIS_URL; throws when they must and cannot. */
export async function testRedisAvailable(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (error) {
    if (REQUIRED) throw new Error(`TASKGATE_TEST_REDIS_URL is set but ${TEST_REDIS_URL} cannot be reached`, { cause: error });
    return false;
  } finally {
    redis.disconnect();
  }
}
