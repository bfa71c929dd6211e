import type { TaskState } from '../generated/prisma/enums.ts';

/** How a task's hold is settled when it ends: what goes back, and what it finally cost. */
export interface Settlement {
  refund: number;
  /** The hold minus the refund; null when nothing is charged. */
  creditsUsed: number | null;
}

function settled(price: number, refund: number): Settlement {
  const used = price - refund;
  return { refund, creditsUsed: used === 0 ? null : used };
}

/**
 * Every rule of what a task's end costs, in one place (SPEC §4): completed,
 * the hold stands; failed, by its worker or out of attempts, a full refund;
 * cancelled while pending, a full refund; cancelled while running, a full
 * refund below the model's cutoff and none at or above it.
 */
export const settle = {
  completed: (price: number): Settlement => settled(price, 0),
  failed: (price: number): Settlement => settled(price, price),
  cancelled: (state: TaskState, progress: number, refundCutoff: number, price: number): Settlement =>
    settled(price, state === 'PENDING' || (state === 'RUNNING' && progress < refundCutoff) ? price : 0),
};

/** creditsUsed as the ledger tells it: minus the sum of the task's entries. */
export function creditsUsedFromLedger(amounts: readonly number[]): number | null {
  const used = -amounts.reduce((sum, amount) => sum + amount, 0);
  return used === 0 ? null : used;
}
