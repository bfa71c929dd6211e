import type { Runner, TaskState } from './task.ts';

export const ERROR_CODES = [
  'INVALID_PARAM',
  'INVALID_API_KEY',
  'TASK_NOT_FOUND',
  'CONFLICT',
  'OPERATION_NOT_SUPPORTED',
  'INSUFFICIENT_CREDITS',
  'IDEMPOTENCY_CONFLICT',
  'LEASE_LOST',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An expected failure: a value with a stable code that clients branch on.
 * Thrown through a transaction it also rolls the transaction back.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
  abstract readonly retryable: boolean;
}

export class InvalidParamError extends DomainError {
  readonly code = 'INVALID_PARAM';
  readonly status = 400;
  readonly retryable = false;
  constructor(
    readonly param: string | null,
    message: string,
  ) {
    super(message);
  }
}

export class InvalidApiKeyError extends DomainError {
  readonly code = 'INVALID_API_KEY';
  readonly status = 401;
  readonly retryable = false;
  constructor(message = 'Missing, unknown or revoked key for this operation.') {
    super(message);
  }
}

export class InsufficientCreditsError extends DomainError {
  readonly code = 'INSUFFICIENT_CREDITS';
  readonly status = 402;
  readonly retryable = false;
  constructor(
    readonly required: number,
    readonly available: number,
  ) {
    super(`This task needs ${required} credits; the account has ${available}.`);
  }
}

export class TaskNotFoundError extends DomainError {
  readonly code = 'TASK_NOT_FOUND';
  readonly status = 404;
  readonly retryable = false;
  constructor() {
    super('No task matches.');
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
  readonly status = 409;
  readonly retryable = true;
  constructor(
    readonly taskState: TaskState,
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
  }
}

export class IdempotencyConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  readonly status = 409;
  readonly retryable = false;
  constructor(readonly taskId: string) {
    super('A task with this outTaskId exists with a different model, runner or input.');
  }
}

export class LeaseLostError extends DomainError {
  readonly code = 'LEASE_LOST';
  readonly status = 409;
  readonly retryable = false;
  constructor(readonly taskState: TaskState) {
    super('This worker no longer holds the task: it was cancelled, finished or re-queued. Stop working on it.');
  }
}

export class OperationNotSupportedError extends DomainError {
  readonly code = 'OPERATION_NOT_SUPPORTED';
  readonly status = 422;
  readonly retryable = false;
  constructor(
    readonly runner: Runner,
    readonly cancelVia: string,
    message: string,
  ) {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
  readonly retryable = true;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} seconds.`);
  }
}
