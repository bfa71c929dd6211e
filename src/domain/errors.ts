import { ERROR_CODES, type ErrorCode } from './error-codes.ts';
import type { Runner, TaskState } from '../generated/prisma/enums.ts';

/**
 * An expected failure: a value with a stable code that clients branch on,
 * its status and retryability from the one registry of codes.
 * Thrown through a transaction it also rolls the transaction back.
 */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}

export class InvalidParamError extends DomainError {
  readonly code = 'INVALID_PARAM';
  constructor(
    readonly param: string | null,
    message: string,
  ) {
    super(message);
  }
}

export class InvalidApiKeyError extends DomainError {
  readonly code = 'INVALID_API_KEY';
  constructor(message = 'Missing, unknown or revoked key for this operation.') {
    super(message);
  }
}

export class InsufficientCreditsError extends DomainError {
  readonly code = 'INSUFFICIENT_CREDITS';
  constructor(
    readonly required: number,
    readonly available: number,
  ) {
    super(`This task needs ${required} credits; the account has ${available}.`);
  }
}

export class TaskNotFoundError extends DomainError {
  readonly code = 'TASK_NOT_FOUND';
  constructor() {
    super('No task matches.');
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT';
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
  constructor(readonly taskId: string) {
    super('A task with this outTaskId exists with a different model, runner or input.');
  }
}

export class LeaseLostError extends DomainError {
  readonly code = 'LEASE_LOST';
  constructor(readonly taskState: TaskState) {
    super('This worker no longer holds the task: it was cancelled, finished or re-queued. Stop working on it.');
  }
}

export class OperationNotSupportedError extends DomainError {
  readonly code = 'OPERATION_NOT_SUPPORTED';
  constructor(
    readonly runner: Runner,
    readonly cancelVia: string,
    message: string,
  ) {
    super(message);
  }
}

export class WebhookEndpointNotFoundError extends DomainError {
  readonly code = 'WEBHOOK_ENDPOINT_NOT_FOUND';
  constructor() {
    super('No webhook endpoint matches.');
  }
}

/** A cursor to start from that the kept event log no longer holds, or never held for this account. */
export class CursorExpiredError extends DomainError {
  readonly code = 'CURSOR_EXPIRED';
  constructor(readonly param: string) {
    super(`${param} is not in the kept event log: it is older than the log, or not one of your events.`);
  }
}

/** Too many streams open at once, on one connection or for one key. */
export class SubscriptionLimitError extends DomainError {
  readonly code = 'SUBSCRIPTION_LIMIT';
  constructor(
    readonly scope: 'connection' | 'key',
    readonly limit: number,
  ) {
    super(`A ${scope === 'key' ? 'key' : 'connection'} may have ${limit} streams open at once on an instance; close one first.`);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry after ${retryAfterSeconds} seconds.`);
  }
}
