import {
  BudgetExceededError,
  ConflictError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidApiKeyError,
  InvalidParamError,
  OperationNotSupportedError,
  RefundBelowExpectedError,
  TaskNotFoundError,
} from '../../domain/errors.ts';
import { PRIORITY_RANGE } from '../../domain/scheduling.ts';
import { METADATA_LIMITS, TAG_LIMITS } from '../../domain/task-labels.ts';
import { cancelTask, MAX_CANCEL_REASON_LENGTH } from '../../services/cancel-task.ts';
import { submitTask } from '../../services/submit-task.ts';
import { clientAccountId, clientOf } from '../auth.ts';
import { builder } from '../builder.ts';
import { RunnerEnum } from '../enums.ts';
import { taskColumnsOf } from './task-columns.ts';
import { taskRefFromArgs } from './task-ref.ts';
import { TaskNode } from './task.type.ts';

const SubmitTaskInput = builder.inputType('SubmitTaskInput', {
  fields: (t) => ({
    model: t.string({ required: true, description: 'A model of the catalog (`models`).' }),
    runner: t.field({ type: RunnerEnum, required: true, defaultValue: 'CLOUD' }),
    input: t.field({ type: 'JSON', required: false, description: "The model's parameters, at most 1 MiB." }),
    outTaskId: t.string({
      required: false,
      description: 'Your idempotency key: submitting it again with the same model, runner, input, metadata and tags returns the same task.',
    }),
    metadata: t.field({
      type: 'JSON',
      required: false,
      description: `Your string map, kept with the task and never changed: at most ${METADATA_LIMITS.entries} entries, keys of up to ${METADATA_LIMITS.keyLength} characters, values of up to ${METADATA_LIMITS.valueLength}.`,
    }),
    tags: t.stringList({
      required: false,
      description: `Your labels, to filter and budget by: at most ${TAG_LIMITS.count}, each up to ${TAG_LIMITS.length} letters, digits or . _ : / -.`,
    }),
    priority: t.int({
      required: true,
      defaultValue: 0,
      description: `From ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}: each point puts it ahead of one more task in its model's queue. Low priority is never starved: it only waits longer.`,
    }),
    startWithinSeconds: t.int({
      required: false,
      description: 'A start deadline: still PENDING this many seconds after the submit, it ends CANCELLED and free (cancelled by DEADLINE).',
    }),
    maxRunSeconds: t.int({
      required: false,
      description: "The longest one claim may run (CLOUD only): then it is cancelled under the model's refund cutoff, and its worker gets LeaseLostError.",
    }),
  }),
});

function metadataOf(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidParamError('input.metadata', 'input.metadata must be an object of strings.');
  return value as Record<string, unknown>;
}

builder.mutationFields((t) => ({
  submitTask: t.field({
    type: TaskNode,
    description: "Creates a PENDING task and holds its model's price from your balance.",
    errors: {
      types: [InvalidParamError, InvalidApiKeyError, InsufficientCreditsError, BudgetExceededError, IdempotencyConflictError],
      directResult: true,
    },
    args: { input: t.arg({ type: SubmitTaskInput, required: true }) },
    resolve: (_root, { input }, ctx, info) =>
      submitTask({
        accountId: clientAccountId(ctx),
        apiKeyId: clientOf(ctx).apiKeyId,
        model: input.model,
        runner: input.runner,
        input: input.input ?? {},
        outTaskId: input.outTaskId ?? null,
        metadata: metadataOf(input.metadata),
        tags: input.tags ?? [],
        schedule: { priority: input.priority, startWithinSeconds: input.startWithinSeconds ?? null, maxRunSeconds: input.maxRunSeconds ?? null },
        columns: taskColumnsOf(info),
      }),
  }),
  cancelTask: t.field({
    type: TaskNode,
    description:
      'Cancels a task by exactly one of its id and its outTaskId, refunding per its model (`Task.cancelPreview` says how, beforehand). A finished task is returned as it is: calling this again is safe and free.',
    errors: {
      types: [InvalidParamError, InvalidApiKeyError, TaskNotFoundError, ConflictError, OperationNotSupportedError, RefundBelowExpectedError],
      directResult: true,
    },
    args: {
      taskId: t.arg.id({ required: false }),
      outTaskId: t.arg.string({ required: false }),
      reason: t.arg.string({ required: false, description: `Why, kept on the task and its CANCELLED event; at most ${MAX_CANCEL_REASON_LENGTH} characters.` }),
      expectRefundAtLeast: t.arg.int({
        required: false,
        description: 'Cancel only if it refunds at least this many credits: if progress crossed the refund cutoff meanwhile, RefundBelowExpectedError and nothing changes.',
      }),
    },
    resolve: (_root, args, ctx, info) => {
      const ref = taskRefFromArgs(args.taskId, args.outTaskId, 'taskId');
      const client = clientOf(ctx);
      return cancelTask(client.accountId, ref, {
        by: { kind: 'API_KEY', id: client.apiKeyId },
        reason: args.reason ?? null,
        expectRefundAtLeast: args.expectRefundAtLeast ?? null,
        columns: taskColumnsOf(info),
      });
    },
  }),
}));
