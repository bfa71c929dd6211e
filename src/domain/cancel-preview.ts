import { ConflictError, OperationNotSupportedError } from './errors.ts';
import { type CancelActor, decide, type TaskFacts } from './task-machine.ts';

/** What a cancel would do, and why it would not. */
export type CancelOutcome = 'CANCELLED' | 'ALREADY_FINISHED' | 'PENDING_NOT_CANCELLABLE' | 'RUNNER_NOT_SUPPORTED';

export interface CancelPreview {
  outcome: CancelOutcome;
  /** Credits the cancel would give back. */
  refund: number;
  /** What the task would finally cost: null for nothing. */
  charge: number | null;
  /** When a refused cancel of a pending task is worth trying again. */
  retryAfterSeconds: number | null;
  /** Where a run the API cannot cancel is cancelled instead. */
  cancelVia: string | null;
}

/** The preview asks as nobody in particular: who cancels changes nothing of what it costs. */
const PREVIEWER: CancelActor = { kind: 'API_KEY', id: 'preview' };

/**
 * What cancelling `task` at `now` would do, from the very decision the
 * cancel makes, so a preview and the cancel after it agree while the task
 * stays as it was. `creditsUsed` is what a finished task cost.
 */
export function previewCancel(task: TaskFacts & { creditsUsed: number | null }, now: Date): CancelPreview {
  const decision = decide(task, { type: 'cancel', by: PREVIEWER, reason: null, expectRefundAtLeast: null }, now);
  const none = { refund: 0, retryAfterSeconds: null, cancelVia: null };
  switch (decision.kind) {
    case 'unchanged':
      return { ...none, outcome: 'ALREADY_FINISHED', charge: task.creditsUsed };
    case 'refused':
      if (decision.error instanceof ConflictError) {
        return { ...none, outcome: 'PENDING_NOT_CANCELLABLE', charge: null, retryAfterSeconds: decision.error.retryAfterSeconds };
      }
      if (decision.error instanceof OperationNotSupportedError) {
        return { ...none, outcome: 'RUNNER_NOT_SUPPORTED', charge: null, cancelVia: decision.error.cancelVia };
      }
      throw decision.error;
    case 'change':
      return { ...none, outcome: 'CANCELLED', refund: decision.ledger?.amount ?? 0, charge: decision.change.creditsUsed ?? null };
  }
}
