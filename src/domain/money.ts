import type { TaskState } from './task.ts';

/**
 * Credits returned when a task in `state` is cancelled: everything while
 * pending; while running, everything below the model's cutoff and nothing at
 * or above it.
 */
export function cancelRefund(state: TaskState, progress: number, refundCutoff: number, price: number): number {
  if (state === 'PENDING') return price;
  if (state === 'RUNNING') return progress < refundCutoff ? price : 0;
  return 0;
}

/** What a finished task cost: the hold minus the refund, null when nothing. */
export function creditsUsed(price: number, refund: number): number | null {
  const used = price - refund;
  return used === 0 ? null : used;
}

/** creditsUsed as the ledger tells it: minus the sum of the task's entries. */
export function creditsUsedFromLedger(amounts: readonly number[]): number | null {
  const used = -amounts.reduce((sum, amount) => sum + amount, 0);
  return used === 0 ? null : used;
}
