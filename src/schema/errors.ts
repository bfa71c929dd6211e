import {
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
  TaskNotFoundError,
  WebhookEndpointNotFoundError,
} from '../domain/errors.ts';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from './builder.ts';
import { ErrorCodeEnum, RunnerEnum, TaskStateEnum } from './enums.ts';

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
