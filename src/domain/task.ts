export const TASK_STATES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const RUNNERS = ['CLOUD', 'SELF_HOSTED', 'LOCAL', 'GITHUB_ACTIONS'] as const;
export type Runner = (typeof RUNNERS)[number];

export const PENDING_CANCEL_POLICIES = ['FREE', 'CONFLICT'] as const;
export type PendingCancelPolicy = (typeof PENDING_CANCEL_POLICIES)[number];

export const TASK_EVENT_TYPES = [
  'SUBMITTED',
  'CLAIMED',
  'PROGRESS',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'REQUEUED',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

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
