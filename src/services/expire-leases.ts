import { decide } from '../domain/task-machine.ts';
import { commitLockedTransition } from '../db/sql/commit-transition.ts';
import { lockDueDeadlines, lockExpiredLeases } from '../db/sql/task-reads.ts';
import { inTransaction } from '../db/sql/transaction.ts';
import { factsOf } from './change-task.ts';

export interface ExpirySweep {
  requeued: number;
  failed: number;
  /** Tasks cancelled by a start deadline or a maximum running time. */
  deadlines: number;
}

/**
 * Handles up to `limit` expired leases in one transaction, each as the task
 * machine decides: back to PENDING with a REQUEUED event after its model's
 * backoff, or, after the model's last attempt, FAILED with a full refund; and
 * up to `limit` deadlines come due, cancelled by the DEADLINE actor. Safe to
 * run on every instance at once: a task another instance is handling is
 * skipped, and a handled one is no longer due.
 */
export function expireLeases(limit = 100): Promise<ExpirySweep> {
  return inTransaction(
    async (tx) => {
      const sweep: ExpirySweep = { requeued: 0, failed: 0, deadlines: 0 };
      for (const task of await lockExpiredLeases(tx, limit)) {
        const decision = decide(factsOf(task), { type: 'expire', random: Math.random() }, task.now);
        if (decision.kind !== 'change') continue;
        await commitLockedTransition(tx, task, decision);
        if (decision.event === 'REQUEUED') sweep.requeued += 1;
        else sweep.failed += 1;
      }
      for (const task of await lockDueDeadlines(tx, limit)) {
        const decision = decide(factsOf(task), { type: 'deadline' }, task.now);
        if (decision.kind !== 'change') continue;
        await commitLockedTransition(tx, task, decision);
        sweep.deadlines += 1;
      }
      return sweep;
    },
    // An idle sweep must not wake every instance's streams.
    (sweep) => sweep.requeued + sweep.failed + sweep.deadlines > 0,
  );
}
