import { expect } from 'vitest';
import type { RateLimit } from '../../src/auth/rate-limiter.ts';
import { asStranger, type CrossAccountCase } from './cross-account-case.ts';

/** Generous enough for any other case's calls with one key; the rate case exhausts it on purpose. */
export const SECURITY_RATE_LIMIT: RateLimit = { perSecond: 5, burst: 60 };

const ACCOUNT = '{ account { __typename ... on Account { id } ... on Error { code message status retryable } ... on RateLimitedError { retryAfterSeconds } } }';

export const RATE_LIMIT_CASES: Record<string, CrossAccountCase> = {
  "one account over its rate is refused alone: another's calls still go through, and the refusal names nothing of it": {
    covers: ['RateLimitedError.code', 'RateLimitedError.message', 'RateLimitedError.retryAfterSeconds', 'RateLimitedError.retryable', 'RateLimitedError.status'],
    async run(context) {
      const burst = await Promise.all(Array.from({ length: SECURITY_RATE_LIMIT.burst + 20 }, () => asStranger<{ account: { __typename: string } }>(context, ACCOUNT)));
      expect(burst.map((res) => res.data?.account.__typename)).toContain('RateLimitedError');
      const victim = await context.gateway.gql<{ account: { __typename: string } }>(ACCOUNT, {}, context.victim.apiKey);
      expect(victim.data?.account.__typename).toBe('Account');
    },
  },
};
