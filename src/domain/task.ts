import type { PendingCancelPolicy, TaskState } from '../generated/prisma/enums.ts';

const TERMINAL: ReadonlySet<TaskState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** A task in a terminal state never leaves it. */
export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/** The catalog entry's policy, as the domain needs it. */
export interface ModelPolicy {
  pendingCancel: PendingCancelPolicy;
  refundCutoff: number;
  pendingCancelRetrySeconds: number;
}
