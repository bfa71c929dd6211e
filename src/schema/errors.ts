import {
  BudgetExceededError,
  BulkCancelConflictError,
  ConflictError,
  CursorExpiredError,
  type DomainError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidApiKeyError,
  InvalidParamError,
  LeaseLostError,
  OperationNotSupportedError,
  RateLimitedError,
  NotFoundError,
  RefundBelowExpectedError,
  TaskNotFoundError,
  WebhookEndpointNotFoundError,
} from '../domain/errors.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from './builder.ts';
import { BudgetPeriodEnum, BudgetScopeEnum, ErrorCodeEnum, RunnerEnum, TaskStateEnum } from './enums.ts';

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure, returned as data. Branch on `code`; retry only when `retryable`.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.field({ type: ErrorCodeEnum, resolve: (error) => error.code }),
    status: t.exposeInt('status', { description: 'The HTTP status a REST API would answer with.' }),
    retryable: t.exposeBoolean('retryable'),
  }),
});


builder.objectType(InvalidParamError, {
  interfaces: [ErrorInterface],
  name: 'InvalidParamError',
  fields: (t) => ({
    param: t.exposeString('param', { nullable: true, description: 'The argument at fault, as a path.' }),
  }),
});

builder.objectType(InvalidApiKeyError, { interfaces: [ErrorInterface], name: 'InvalidApiKeyError' });

builder.objectType(InsufficientCreditsError, {
  interfaces: [ErrorInterface],
  name: 'InsufficientCreditsError',
  fields: (t) => ({ required: t.exposeInt('required'), available: t.exposeInt('available') }),
});

builder.objectType(TaskNotFoundError, { interfaces: [ErrorInterface], name: 'TaskNotFoundError' });

builder.objectType(ConflictError, {
  interfaces: [ErrorInterface],
  name: 'ConflictError',
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds'),
    taskState: t.expose('taskState', { type: TaskStateEnum }),
  }),
});

builder.objectType(IdempotencyConflictError, {
  interfaces: [ErrorInterface],
  name: 'IdempotencyConflictError',
  fields: (t) => ({
    taskId: t.id({ description: 'The existing task with this outTaskId.', resolve: (error) => encodeGlobalID('Task', error.taskId) }),
  }),
});

builder.objectType(LeaseLostError, {
  interfaces: [ErrorInterface],
  name: 'LeaseLostError',
  fields: (t) => ({ taskState: t.expose('taskState', { type: TaskStateEnum }) }),
});

builder.objectType(OperationNotSupportedError, {
  interfaces: [ErrorInterface],
  name: 'OperationNotSupportedError',
  fields: (t) => ({
    runner: t.expose('runner', { type: RunnerEnum }),
    cancelVia: t.exposeString('cancelVia', { description: 'Where such a task can be cancelled instead.' }),
  }),
});

builder.objectType(RateLimitedError, {
  interfaces: [ErrorInterface],
  name: 'RateLimitedError',
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds') }),
});

builder.objectType(WebhookEndpointNotFoundError, { interfaces: [ErrorInterface], name: 'WebhookEndpointNotFoundError' });

builder.objectType(CursorExpiredError, {
  interfaces: [ErrorInterface],
  name: 'CursorExpiredError',
  fields: (t) => ({ param: t.exposeString('param', { description: 'The argument holding the cursor.' }) }),
});

builder.objectType(BudgetExceededError, {
  interfaces: [ErrorInterface],
  name: 'BudgetExceededError',
  fields: (t) => ({
    budgetId: t.id({ resolve: (error) => encodeGlobalID('Budget', error.budgetId) }),
    scope: t.expose('scope', { type: BudgetScopeEnum }),
    tag: t.exposeString('tag', { nullable: true }),
    period: t.expose('period', { type: BudgetPeriodEnum }),
    limit: t.exposeInt('limit'),
    spent: t.exposeInt('spent', { description: 'Spent in the current period: holds minus refunds.' }),
    resetsAt: t.expose('resetsAt', { type: 'DateTime', nullable: true, description: 'When the period ends; null for a TOTAL budget.' }),
    tripped: t.exposeBoolean('tripped', { description: 'The budget refuses every submit until its period ends (or it is rearmed).' }),
  }),
});

builder.objectType(RefundBelowExpectedError, {
  interfaces: [ErrorInterface],
  name: 'RefundBelowExpectedError',
  fields: (t) => ({
    refund: t.exposeInt('refund', { description: 'What the cancel would have refunded.' }),
    expected: t.exposeInt('expected'),
    taskState: t.expose('taskState', { type: TaskStateEnum }),
    progress: t.exposeFloat('progress'),
  }),
});

builder.objectType(BulkCancelConflictError, {
  interfaces: [ErrorInterface],
  name: 'BulkCancelConflictError',
  fields: (t) => ({ bulkCancelId: t.id({ resolve: (error) => encodeGlobalID('BulkCancel', error.bulkCancelId) }) }),
});

builder.objectType(NotFoundError, { interfaces: [ErrorInterface], name: 'NotFoundError' });
