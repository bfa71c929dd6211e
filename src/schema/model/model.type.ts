import { builder } from '../builder.ts';
import { PendingCancelPolicyEnum } from '../enums.ts';

builder.prismaObject('Model', {
  description: 'A catalog entry: what a task of this model costs, how cancelling it is billed, and how a failed attempt is retried.',
  fields: (t) => ({
    name: t.exposeString('name'),
    price: t.exposeInt('price', { description: 'Credits held on submit.' }),
    pendingCancel: t.expose('pendingCancel', { type: PendingCancelPolicyEnum }),
    refundCutoff: t.exposeFloat('refundCutoff', {
      description: 'A running task cancelled with progress below this fraction is refunded in full; at or above it, nothing is refunded.',
    }),
    maxAttempts: t.exposeInt('maxAttempts', {
      description: 'Claims a task gets: a lease expiry or a retryable failure before the last one puts it back in the queue; at the last, it FAILS with a full refund.',
    }),
    retryBaseSeconds: t.exposeFloat('retryBaseSeconds', {
      description: 'The wait before a re-queued task can be claimed again, after its first attempt: base × factor^(attempt − 1), at most retryMaxSeconds, ± retryJitter of itself.',
    }),
    retryFactor: t.exposeFloat('retryFactor'),
    retryMaxSeconds: t.exposeFloat('retryMaxSeconds'),
    retryJitter: t.exposeFloat('retryJitter', { description: 'A fraction from 0 to 1.' }),
  }),
});
