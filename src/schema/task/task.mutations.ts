import {
  ConflictError,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidApiKeyError,
  InvalidParamError,
  OperationNotSupportedError,
  TaskNotFoundError,
} from '../../domain/errors.ts';
import { cancelTask } from '../../services/cancel-task.ts';
import { submitTask } from '../../services/submit-task.ts';
import { clientAccountId } from '../auth.ts';
import { builder } from '../builder.ts';
import { RunnerEnum } from '../enums.ts';
import { taskRefFromArgs } from './task-ref.ts';

const SubmitTaskInput = builder.inputType('SubmitTaskInput', {
  fields: (t) => ({
    model: t.string({ required: true, description: 'A model of the catalog (`models`).' }),
    runner: t.field({ type: RunnerEnum, required: true, defaultValue: 'CLOUD' }),
    input: t.field({ type: 'JSON', required: false, description: "The model's parameters, at most 1 MiB." }),
    outTaskId: t.string({
      required: false,
      description: 'Your idempotency key: submitting it again with the same model, runner and input returns the same task.',
    }),
  }),
});

builder.mutationFields((t) => ({
  submitTask: t.prismaField({
    type: 'Task',
    description: "Creates a PENDING task and holds its model's price from your balance.",
    errors: {
      types: [InvalidParamError, InvalidApiKeyError, InsufficientCreditsError, IdempotencyConflictError],
      directResult: true,
    },
    args: { input: t.arg({ type: SubmitTaskInput, required: true }) },
    resolve: (_query, _root, { input }, ctx) =>
      submitTask({
        accountId: clientAccountId(ctx),
        model: input.model,
        runner: input.runner,
        input: input.input ?? {},
        outTaskId: input.outTaskId ?? null,
      }),
  }),
  cancelTask: t.prismaField({
    type: 'Task',
    description:
      'Cancels a task by exactly one of its id and its outTaskId, refunding per its model. A finished task is returned as it is: calling this again is safe and free.',
    errors: {
      types: [InvalidParamError, InvalidApiKeyError, TaskNotFoundError, ConflictError, OperationNotSupportedError],
      directResult: true,
    },
    args: { taskId: t.arg.id({ required: false }), outTaskId: t.arg.string({ required: false }) },
    resolve: (_query, _root, args, ctx) => {
      const ref = taskRefFromArgs(args.taskId, args.outTaskId, 'taskId');
      return cancelTask(clientAccountId(ctx), ref);
    },
  }),
}));
