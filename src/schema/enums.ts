import { ERROR_CODES } from '../domain/error-codes.ts';
import {
  BudgetAction,
  BudgetPeriod,
  BudgetScope,
  CancelActorKind,
  LedgerEntryKind,
  PendingCancelPolicy,
  Runner,
  TaskEventType,
  TaskState,
  WebhookDisabledReason,
  WebhookOutcome,
} from '../generated/prisma/enums.ts';
import { builder } from './builder.ts';

// Each enum's values come from the one place that defines them: the Prisma schema's enums, as
// generated, and the registry of error codes. The GraphQL enums only describe them.

export const TaskStateEnum = builder.enumType(TaskState, {
  name: 'TaskState',
  description: 'Where a task is in its life. COMPLETED, FAILED and CANCELLED are terminal: a task never leaves them.',
});

export const RunnerEnum = builder.enumType(Runner, {
  name: 'Runner',
  description: 'Where a task runs. Only CLOUD tasks can be cancelled through this API.',
});

export const PendingCancelPolicyEnum = builder.enumType(PendingCancelPolicy, {
  name: 'PendingCancelPolicy',
  description: 'What cancelling a PENDING task of a model does: FREE cancels it with a full refund; CONFLICT refuses until a worker claims it.',
});

export const TaskEventTypeEnum = builder.enumType(TaskEventType, { name: 'TaskEventType' });

export const LedgerEntryKindEnum = builder.enumType(LedgerEntryKind, {
  name: 'LedgerEntryKind',
  description: "GRANT adds credits to an account, HOLD takes a task's price on submit, REFUND gives it back.",
});

export const BudgetScopeEnum = builder.enumType(BudgetScope, {
  name: 'BudgetScope',
  description: "What a budget counts: every task of the account, the tasks of the API key that made the budget, or the tasks with its tag.",
});

export const BudgetPeriodEnum = builder.enumType(BudgetPeriod, {
  name: 'BudgetPeriod',
  description: 'The UTC calendar day, the UTC calendar month, or everything since the budget was made.',
});

export const BudgetActionEnum = builder.enumType(BudgetAction, {
  name: 'BudgetAction',
  description:
    'What a budget does: every budget refuses a submit that would take its spend over the limit. CANCEL_PENDING and CANCEL_IN_FLIGHT also trip on the first refusal: the period takes no more submits in scope, and its pending (and, for CANCEL_IN_FLIGHT, running) tasks are cancelled under the usual rules, each recording the budget as who cancelled.',
});

export const CancelActorKindEnum = builder.enumType(CancelActorKind, {
  name: 'CancelActorKind',
  description: "Who cancelled: a client's API key, a budget, a bulk cancel, or a deadline.",
});

export const WebhookDisabledReasonEnum = builder.enumType(WebhookDisabledReason, {
  name: 'WebhookDisabledReason',
  description: 'Why an endpoint is not delivered to: you disabled it (CLIENT), or its deliveries failed for the whole retry window (FAILING).',
});

export const WebhookOutcomeEnum = builder.enumType(WebhookOutcome, {
  name: 'WebhookOutcome',
  description:
    'What one attempt came to: DELIVERED (a 2xx); RETRYING (a 5xx, 408, 429, redirect, timeout or connection error: tried again later); REJECTED (another 4xx, or an address webhooks may not call: not retried, the next event follows); GAVE_UP (failing for the whole retry window: the endpoint was disabled).',
});

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description:
    'Every code a client can see: in the `code` of an error a field returns as data, and in `extensions.code` of an error in `errors` (streams, limits, transports), each with its status and whether to retry.',
  values: Object.fromEntries(
    Object.entries(ERROR_CODES).map(([code, spec]) => [
      code,
      { description: `${spec.description} (status ${spec.status}${spec.retryable ? ', retryable' : ''})` },
    ]),
  ) as Record<keyof typeof ERROR_CODES, { description: string }>,
});
