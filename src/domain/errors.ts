import { ERROR_CODES, type ErrorCode } from './error-codes.ts';
import type { BudgetPeriod, BudgetScope, Runner, TaskState } from '../generated/prisma/enums.ts';

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

/** A budget the submit's hold would take past its limit, or one tripped for its period. */
export class BudgetExceededError extends DomainError {
  readonly code = 'BUDGET_EXCEEDED';
  constructor(
    readonly budgetId: string,
    readonly scope: BudgetScope,
    readonly tag: string | null,
    readonly period: BudgetPeriod,
    readonly limit: number,
    readonly spent: number,
    /** When its period ends; null for a TOTAL budget. */
    readonly resetsAt: Date | null,
    readonly tripped: boolean,
  ) {
    super(
      tripped
        ? `A budget of ${limit} credits was exceeded this period and refuses every submit until ${resetsAt?.toISOString() ?? 'it is changed'}.`
        : `This task would take a budget of ${limit} credits (${spent} spent) over its limit.`,
    );
  }
}

export class RefundBelowExpectedError extends DomainError {
  readonly code = 'REFUND_BELOW_EXPECTED';
  constructor(
    readonly refund: number,
    readonly expected: number,
    readonly taskState: TaskState,
    readonly progress: number,
  ) {
    super(`Cancelling now would refund ${refund} credits, less than the ${expected} expected; nothing was changed.`);
  }
}

export class BulkCancelConflictError extends DomainError {
  readonly code = 'BULK_CANCEL_CONFLICT';
  constructor(readonly bulkCancelId: string) {
    super('A bulk cancel with this clientKey was asked for with another filter or reason.');
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(what: string) {
    super(`No ${what} matches.`);
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
