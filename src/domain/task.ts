import type { PendingCancelPolicy, TaskState } from '../generated/prisma/enums.ts';

const TERMINAL: ReadonlySet<TaskState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** A task in a terminal state never leaves it. */
export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/** The catalog entry's policy, as the domain needs it. */
export interface ModelPolicy extends RetryPolicy {
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  pendingCancelRetrySeconds: number;
}

/** How a model's tasks are tried again: claims before failing for good, and the backoff between them. */
export interface RetryPolicy {
  maxAttempts: number;
  retryBaseSeconds: number;
  retryFactor: number;
  retryMaxSeconds: number;
  /** A fraction: each wait is randomly up to this much shorter or longer. */
  retryJitter: number;
}

/** The wait before attempt `attempts + 1` may be claimed, after `attempts` claims; `random` in [0, 1). */
export function retryDelaySeconds(policy: RetryPolicy, attempts: number, random: number): number {
  const exponential = Math.min(policy.retryMaxSeconds, policy.retryBaseSeconds * policy.retryFactor ** Math.max(0, attempts - 1));
  return exponential * (1 + policy.retryJitter * (2 * random - 1));
}
