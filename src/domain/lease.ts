import { InvalidParamError, LeaseLostError } from './errors.ts';
import type { TaskState } from './task.ts';

/** A task whose lease expires this many times fails instead of going back to the queue. */
export const MAX_ATTEMPTS = 3;
export const MAX_LEASE_SECONDS = 3_600;

export function validateLeaseSeconds(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_LEASE_SECONDS) {
    throw new InvalidParamError('leaseSeconds', `leaseSeconds must be a whole number from 1 to ${MAX_LEASE_SECONDS}.`);
  }
  return seconds;
}

export interface LeaseFacts {
  state: TaskState;
  attempts: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
}

/**
 * Whether `workerId` still holds the task at `now`: it is RUNNING under this
 * worker's unexpired lease and, when the worker names its attempt, that
 * attempt. Anything else means the task was cancelled, finished or re-queued
 * since the claim, and the worker must stop.
 */
export function leaseLost(task: LeaseFacts, workerId: string, attempt: number | null, now: Date): LeaseLostError | undefined {
  const held =
    task.state === 'RUNNING' &&
    task.leaseOwner === workerId &&
    (attempt === null || attempt === task.attempts) &&
    task.leaseExpiresAt !== null &&
    task.leaseExpiresAt > now;
  return held ? undefined : new LeaseLostError(task.state);
}

/** What an expired lease does to a running task. */
export function expiryOutcome(attempts: number): 'requeue' | 'fail' {
  return attempts >= MAX_ATTEMPTS ? 'fail' : 'requeue';
}
