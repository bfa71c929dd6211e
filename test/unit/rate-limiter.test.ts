import { describe, expect, it } from 'vitest';
import { createRateLimiter, memoryCounter, windowsOf } from '../../src/auth/rate-limiter.ts';

describe('rate limits', () => {
  it('count a sustained rate per second and the rest of the burst over a longer window', () => {
    expect(windowsOf({ perSecond: 200, burst: 400 })).toEqual({ sustained: { points: 200, duration: 1 }, burst: { points: 200, duration: 2 } });
    expect(windowsOf({ perSecond: 0.5, burst: 3 })).toEqual({ sustained: { points: 1, duration: 2 }, burst: { points: 2, duration: 6 } });
    expect(windowsOf({ perSecond: 10, burst: 5 })).toEqual({ sustained: { points: 10, duration: 1 }, burst: { points: 0, duration: 1 } });
  });

  it('let a quiet key send its burst at once, then refuse it with how long to wait; other keys go on', async () => {
    const limiter = createRateLimiter(memoryCounter({ perSecond: 2, burst: 3 }));
    const answers = await Promise.all([1, 2, 3, 4].map(() => limiter.consume('busy')));
    expect(answers.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(answers[3]).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(answers[3]?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await limiter.consume('quiet')).toBeUndefined();
  });

  it('let the key go on at its sustained rate once the second is over', async () => {
    const limiter = createRateLimiter(memoryCounter({ perSecond: 2, burst: 3 }));
    for (let n = 0; n < 4; n++) await limiter.consume('key');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect([await limiter.consume('key'), await limiter.consume('key')]).toEqual([undefined, undefined]);
    expect(await limiter.consume('key')).toMatchObject({ code: 'RATE_LIMITED' });
  });
});
