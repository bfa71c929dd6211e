import { expiryOutcome, MAX_ATTEMPTS } from '../domain/lease.ts';
import { commitChange } from './transaction.ts';
import { lockExpiredLeases } from './task-lock.ts';
import { commitTransition } from './task-transition.ts';

export interface ExpirySweep {
  requeued: number;
  failed: number;
}

/**
 * Handles up to `limit` expired leases in one transaction: back to PENDING
 * with a REQUEUED event, or, after the last attempt, FAILED with a full
 * refund. Safe to run on every instance at once: a lease another instance is
 * handling is skipped, and a handled one is no longer RUNNING.
 */
export async function expireLeases(limit = 100): Promise<ExpirySweep> {
  return commitChange(async (tx) => {
    const sweep: ExpirySweep = { requeued: 0, failed: 0 };
    for (const task of await lockExpiredLeases(tx, limit)) {
      if (expiryOutcome(task.attempts) === 'requeue') {
        await commitTransition(tx, task, { event: 'REQUEUED', refund: 0, data: { state: 'PENDING', progress: 0 } });
        sweep.requeued += 1;
      } else {
        await commitTransition(tx, task, {
          event: 'FAILED',
          refund: task.price,
          data: {
            state: 'FAILED',
            error: `The worker's lease expired on all ${MAX_ATTEMPTS} attempts.`,
            finishedAt: task.now,
            creditsUsed: null,
          },
        });
        sweep.failed += 1;
      }
    }
    return sweep;
  });
}
