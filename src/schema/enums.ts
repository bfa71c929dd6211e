import { ERROR_CODES } from '../domain/errors.ts';
import { PENDING_CANCEL_POLICIES, RUNNERS, TASK_EVENT_TYPES, TASK_STATES } from '../domain/task.ts';
import { builder } from './builder.ts';

export const TaskStateEnum = builder.enumType('TaskState', {
  description: 'Where a task is in its life. COMPLETED, FAILED and CANCELLED are terminal: a task never leaves them.',
  values: TASK_STATES,
});

export const RunnerEnum = builder.enumType('Runner', {
  description: 'Where a task runs. Only CLOUD tasks can be cancelled through this API.',
  values: RUNNERS,
});

export const PendingCancelPolicyEnum = builder.enumType('PendingCancelPolicy', {
  description: 'What cancelling a PENDING task of a model does: FREE cancels it with a full refund; CONFLICT refuses until a worker claims it.',
  values: PENDING_CANCEL_POLICIES,
});

export const TaskEventTypeEnum = builder.enumType('TaskEventType', { values: TASK_EVENT_TYPES });

export const LedgerEntryKindEnum = builder.enumType('LedgerEntryKind', {
  description: 'GRANT adds credits to an account, HOLD takes a task\'s price on submit, REFUND gives it back.',
  values: ['GRANT', 'HOLD', 'REFUND'] as const,
});

export const ErrorCodeEnum = builder.enumType('ErrorCode', { values: ERROR_CODES });
