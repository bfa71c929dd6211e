import { expiryOutcome, MAX_ATTEMPTS } from '../domain/lease.ts';
import { announceCommit } from '../events/commit-signal.ts';
import { inTransaction } from './transaction.ts';
import { lockExpiredLeases } from './task-snapshot.ts';
import { commitLockedTransition } from './task-transition.ts';

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
  const sweep = await inTransaction(async (tx) => {
    const done: ExpirySweep = { requeued: 0, failed: 0 };
    for (const task of await lockExpiredLeases(tx, limit)) {
      if (expiryOutcome(task.attempts) === 'requeue') {
        await commitLockedTransition(tx, task, { event: 'REQUEUED', refund: 0, data: { state: 'PENDING', progress: 0 } });
        done.requeued += 1;
      } else {
        await commitLockedTransition(tx, task, {
          event: 'FAILED',
          refund: task.price,
          data: {
            state: 'FAILED',
            error: `The worker's lease expired on all ${MAX_ATTEMPTS} attempts.`,
            finishedAt: task.now,
            creditsUsed: null,
          },
        });
        done.failed += 1;
      }
    }
    return done;
  });
  // Announced only when something changed: an idle sweep must not wake every instance's streams.
  if (sweep.requeued + sweep.failed > 0) announceCommit();
  return sweep;
}
