import { describe, expect, it } from 'vitest';
import { admit, type Bucket } from '../../src/domain/rate-limit.ts';

const LIMIT = { perSecond: 2, burst: 3 };

function run(times: number[]): boolean[] {
  let bucket: Bucket | undefined;
  return times.map((now) => {
    const admission = admit(bucket, LIMIT, now);
    bucket = admission.bucket;
    return admission.admitted;
  });
}

describe('admit', () => {
  it('lets a burst through at once, then refuses', () => {
    expect(run([0, 0, 0, 0])).toEqual([true, true, true, false]);
  });

  it('refills at the sustained rate, never above the burst', () => {
    expect(run([0, 0, 0, 500, 500])).toEqual([true, true, true, true, false]);
    expect(run([0, 10_000, 10_000, 10_000, 10_000])).toEqual([true, true, true, true, false]);
  });

  it('says how long to wait, in whole seconds, at least one', () => {
    let bucket: Bucket | undefined;
    for (let i = 0; i < 3; i++) bucket = admit(bucket, LIMIT, 0).bucket;
    const refused = admit(bucket, LIMIT, 0);
    expect(refused).toMatchObject({ admitted: false, retryAfterSeconds: 1 });
    const slow = admit({ tokens: 0, at: 0 }, { perSecond: 0.1, burst: 1 }, 0);
    expect(slow).toMatchObject({ admitted: false, retryAfterSeconds: 10 });
  });
});
