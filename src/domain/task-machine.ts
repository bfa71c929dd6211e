import type { CancelActorKind, LedgerEntryKind, Runner, TaskEventType, TaskState } from '../generated/prisma/enums.ts';
import { ConflictError, type DomainError, LeaseLostError, OperationNotSupportedError, RefundBelowExpectedError } from './errors.ts';
import type { JsonValue } from './json.ts';
import { type Settlement, settle } from './money.ts';
import { isTerminal, type ModelPolicy, retryDelaySeconds } from './task.ts';

/** What the machine needs to know of a task to decide on it. */
export interface TaskFacts {
  state: TaskState;
  runner: Runner;
  progress: number;
  price: number;
  attempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  leaseSeconds: number | null;
  startedAt: Date | null;
  startDeadline: Date | null;
  runDeadline: Date | null;
  policy: ModelPolicy;
}

/** A worker's handle on a task it claimed; `attempt` fences off an earlier claim of the same worker. */
export interface Lease {
  workerId: string;
  attempt: number | null;
}

/** Who cancels: the API key of a client's call, a budget, a bulk job, a deadline; recorded on the task and its event. */
export interface CancelActor {
  kind: CancelActorKind;
  id: string;
}

export interface CancelCommand {
  type: 'cancel';
  by: CancelActor;
  reason: string | null;
  /** Refuse the cancel, changing nothing, if it would refund less than this. */
  expectRefundAtLeast: number | null;
}

export type TaskCommand =
  | { type: 'claim'; workerId: string; leaseSeconds: number }
  | { type: 'progress'; lease: Lease; progress: number }
  | { type: 'complete'; lease: Lease; output: JsonValue }
  /** `retryable`: the worker says another attempt may succeed; `random` in [0, 1) jitters the backoff. */
  | { type: 'fail'; lease: Lease; error: string; retryable: boolean; random: number }
  | { type: 'expire'; random: number }
  /** A start deadline or a maximum running time come due. */
  | { type: 'deadline' }
  | CancelCommand;

export type Transition = TaskCommand['type'] | 'submit';

/** The fields a transition sets; any other keeps its value. A task that leaves RUNNING loses its lease. */
export interface TaskChange {
  state?: TaskState;
  progress?: number;
  output?: JsonValue;
  error?: string;
  attempts?: number;
  creditsUsed?: number | null;
  leaseOwner?: string | null;
  leaseExpiresAt?: Date | null;
  leaseSeconds?: number | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  cancelledAt?: Date | null;
  cancelActorKind?: CancelActorKind | null;
  cancelActorId?: string | null;
  cancelReason?: string | null;
  /** Not claimed again before this. */
  availableAt?: Date;
}

/** Credits a transition moves, signed: a HOLD is negative, a REFUND positive. */
export interface LedgerMovement {
  kind: Extract<LedgerEntryKind, 'HOLD' | 'REFUND'>;
  amount: number;
}

export type Decision =
  | { kind: 'unchanged' }
  | { kind: 'refused'; error: DomainError }
  | { kind: 'change'; change: TaskChange; ledger: LedgerMovement | null; event: TaskEventType; detail: JsonValue | null };

const CANCEL_VIA: Record<Exclude<Runner, 'CLOUD'>, { via: string; message: string }> = {
  SELF_HOSTED: {
    via: 'the hosting infrastructure that runs it',
    message: 'Self-hosted runs cannot be cancelled with the API; cancel them through your hosting infrastructure.',
  },
  LOCAL: {
    via: 'the client that started it',
    message: 'Local runs cannot be cancelled with the API; cancel them from the client that started them.',
  },
  GITHUB_ACTIONS: {
    via: "the GitHub Actions workflow run's page",
    message: "GitHub Actions runs cannot be cancelled with the API; cancel them from the workflow run's page.",
  },
};

function refundOf(settlement: Settlement): LedgerMovement | null {
  return settlement.refund > 0 ? { kind: 'REFUND', amount: settlement.refund } : null;
}

function change(event: TaskEventType, fields: TaskChange, ledger: LedgerMovement | null = null, detail: JsonValue | null = null): Decision {
  return { kind: 'change', change: fields, ledger, event, detail };
}

function refused(error: DomainError): Decision {
  return { kind: 'refused', error };
}

function secondsAfter(now: Date, seconds: number): Date {
  return new Date(now.getTime() + seconds * 1000);
}

/** A task's end: its state, its final charge and its refund. */
function ending(
  state: 'COMPLETED' | 'FAILED' | 'CANCELLED',
  settlement: Settlement,
  now: Date,
  fields: TaskChange = {},
  detail: JsonValue | null = null,
): Decision {
  return change(
    state,
    { ...fields, state, creditsUsed: settlement.creditsUsed, finishedAt: now, ...(state === 'CANCELLED' ? { cancelledAt: now } : {}) },
    refundOf(settlement),
    detail,
  );
}

/**
 * Whether `lease` still holds the task at `now`: RUNNING under this worker's
 * unexpired lease and, when the worker names its attempt, that attempt.
 * Anything else means it was cancelled, finished or re-queued since the
 * claim, and the worker must stop.
 */
function holds(task: TaskFacts, lease: Lease, now: Date): boolean {
  return (
    task.state === 'RUNNING' &&
    task.leaseOwner === lease.workerId &&
    (lease.attempt === null || lease.attempt === task.attempts) &&
    task.leaseExpiresAt !== null &&
    task.leaseExpiresAt > now
  );
}

/** SPEC §5 cancelTask rules 2 to 5, in their order; then the caller's floor on the refund, and who cancels and why. */
function cancel(task: TaskFacts, command: CancelCommand, now: Date): Decision {
  if (isTerminal(task.state)) return { kind: 'unchanged' };
  if (task.runner !== 'CLOUD') {
    const { via, message } = CANCEL_VIA[task.runner];
    return refused(new OperationNotSupportedError(task.runner, via, message));
  }
  if (task.state === 'PENDING' && task.policy.pendingCancel === 'CONFLICT') {
    return refused(
      new ConflictError(
        task.state,
        task.policy.pendingCancelRetrySeconds,
        'Pending runs of this model cannot be cancelled until a worker claims them; retry after a moment.',
      ),
    );
  }
  const settlement = settle.cancelled(task.state, task.progress, task.policy.refundCutoff, task.price);
  if (command.expectRefundAtLeast !== null && settlement.refund < command.expectRefundAtLeast) {
    return refused(new RefundBelowExpectedError(settlement.refund, command.expectRefundAtLeast, task.state, task.progress));
  }
  const by = { cancelActorKind: command.by.kind, cancelActorId: command.by.id, cancelReason: command.reason };
  // The worker that held it is named in the event, so its own stream tells it to stop at once.
  const detail = { actor: { kind: command.by.kind, id: command.by.id }, reason: command.reason, leaseOwner: task.state === 'RUNNING' ? task.leaseOwner : null };
  return ending('CANCELLED', settlement, now, by, detail);
}

/** Back to the queue after a failed attempt, not to be claimed before its model's backoff is over. */
function requeue(task: TaskFacts, now: Date, random: number, detail: Record<string, JsonValue>): Decision {
  const availableAt = new Date(now.getTime() + retryDelaySeconds(task.policy, task.attempts, random) * 1000);
  return change('REQUEUED', { state: 'PENDING', progress: 0, availableAt }, null, { ...detail, retryAt: availableAt.toISOString() });
}

/** An expired lease: back to the queue, or, after the model's last attempt, FAILED with a full refund. */
function expire(task: TaskFacts, now: Date, random: number): Decision {
  if (task.state !== 'RUNNING' || task.leaseExpiresAt === null || task.leaseExpiresAt > now) return { kind: 'unchanged' };
  if (task.attempts >= task.policy.maxAttempts) {
    return ending('FAILED', settle.failed(task.price), now, { error: `The worker's lease expired on all ${task.policy.maxAttempts} attempts.` });
  }
  return requeue(task, now, random, { reason: 'lease expired' });
}

/**
 * A deadline come due: a task still PENDING at its start deadline ends
 * CANCELLED and free, whatever its model's pending-cancel policy (no worker
 * has it); a CLOUD task RUNNING past its claim's maximum running time is
 * cancelled under its model's cutoff, and its worker finds the lease gone.
 */
function deadline(task: TaskFacts, now: Date): Decision {
  const by = { cancelActorKind: 'DEADLINE' as const, cancelActorId: null };
  if (task.state === 'PENDING' && task.startDeadline !== null && task.startDeadline <= now) {
    const reason = 'The start deadline passed before a worker claimed it.';
    return ending('CANCELLED', settle.cancelled('PENDING', 0, task.policy.refundCutoff, task.price), now, { ...by, cancelReason: reason }, { actor: { kind: 'DEADLINE', id: null }, reason });
  }
  if (task.state === 'RUNNING' && task.runner === 'CLOUD' && task.runDeadline !== null && task.runDeadline <= now) {
    const reason = 'The maximum running time passed.';
    const settlement = settle.cancelled('RUNNING', task.progress, task.policy.refundCutoff, task.price);
    return ending('CANCELLED', settlement, now, { ...by, cancelReason: reason }, { actor: { kind: 'DEADLINE', id: null }, reason, leaseOwner: task.leaseOwner });
  }
  return { kind: 'unchanged' };
}

/**
 * Every transition of an existing task: the change, the credits it moves and
 * the event it logs, or the typed error that refuses it, or nothing to do.
 * Pure: the caller reads the task and the clock, and commits the decision.
 */
export function decide(task: TaskFacts, command: TaskCommand, now: Date): Decision {
  switch (command.type) {
    case 'claim':
      if (task.state !== 'PENDING') {
        return refused(new ConflictError(task.state, 1, 'Only a pending task can be claimed.'));
      }
      return change(CLAIM.event, {
        state: CLAIM.state,
        attempts: task.attempts + 1,
        progress: 0,
        leaseOwner: command.workerId,
        leaseSeconds: command.leaseSeconds,
        leaseExpiresAt: secondsAfter(now, command.leaseSeconds),
        startedAt: task.startedAt ?? now,
      });
    case 'progress':
      if (!holds(task, command.lease, now)) return refused(new LeaseLostError(task.state));
      return change('PROGRESS', { progress: command.progress, leaseExpiresAt: secondsAfter(now, task.leaseSeconds ?? 0) });
    case 'complete':
      if (!holds(task, command.lease, now)) return refused(new LeaseLostError(task.state));
      return ending('COMPLETED', settle.completed(task.price), now, { output: command.output, progress: 1 });
    case 'fail':
      if (!holds(task, command.lease, now)) return refused(new LeaseLostError(task.state));
      if (command.retryable && task.attempts < task.policy.maxAttempts) return requeue(task, now, command.random, { reason: 'failed', error: command.error });
      return ending('FAILED', settle.failed(task.price), now, { error: command.error });
    case 'expire':
      return expire(task, now, command.random);
    case 'deadline':
      return deadline(task, now);
    case 'cancel':
      return cancel(task, command, now);
  }
}

/**
 * A new task: PENDING, its model's price held, its SUBMITTED event. The
 * submit statement applies it with the catalog's price, which only the
 * database knows at that moment.
 */
export const SUBMISSION = { state: 'PENDING', holdKind: 'HOLD', event: 'SUBMITTED' } as const satisfies {
  state: TaskState;
  holdKind: LedgerMovement['kind'];
  event: TaskEventType;
};

/** The hold of a new task's price: nothing for a free model. */
export function holdOf(price: number): LedgerMovement | null {
  return price > 0 ? { kind: SUBMISSION.holdKind, amount: -price } : null;
}

/**
 * A claim's state and event. The claim statement picks the task and applies
 * `decide`'s claim to it in one step, on the database's clock.
 */
export const CLAIM = { state: 'RUNNING', event: 'CLAIMED' } as const satisfies { state: TaskState; event: TaskEventType };
