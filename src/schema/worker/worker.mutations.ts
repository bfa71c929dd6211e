import { InvalidApiKeyError, InvalidParamError, LeaseLostError, TaskNotFoundError } from '../../domain/errors.ts';
import { claimTask } from '../../services/claim-task.ts';
import { claimOrWait, MAX_CLAIM_WAIT_SECONDS } from './long-poll.ts';
import { completeTask } from '../../services/complete-task.ts';
import { failTask } from '../../services/fail-task.ts';
import type { Lease } from '../../domain/task-machine.ts';
import { reportProgress } from '../../services/report-progress.ts';
import { workerIdOf } from '../auth.ts';
import { builder } from '../builder.ts';
import type { Context } from '../context.ts';
import { decodeIdOf } from '../global-id.ts';
import { taskColumnsOf } from '../task/task-columns.ts';
import { TaskNode } from '../task/task.type.ts';

const LEASED_TASK_ERRORS = [InvalidParamError, InvalidApiKeyError, TaskNotFoundError, LeaseLostError];

interface LeaseArgs {
  taskId: string;
  attempt?: number | null;
}

/** The task a worker names and its hold on it. */
function leased(args: LeaseArgs, ctx: Context): [taskId: string, lease: Lease] {
  const taskId = decodeIdOf('Task', args.taskId, 'taskId');
  return [taskId, { workerId: workerIdOf(ctx), attempt: args.attempt ?? null }];
}

builder.mutationFields((t) => {
  const leaseArgs = {
    taskId: t.arg.id({ required: true }),
    attempt: t.arg.int({
      required: false,
      description: "The claim's `attempts`; when given, a call from an earlier claim gets LeaseLostError.",
    }),
  };
  return {
    claimTask: t.field({
      type: TaskNode,
      nullable: true,
      description: `Worker key. Takes the next PENDING task of the given models (any model when omitted), in the queue's order: fair across accounts, by priority, past tasks in their retry backoff and accounts at their cap of running tasks. RUNNING, attempts + 1, leased for leaseSeconds. With waitSeconds (at most ${MAX_CLAIM_WAIT_SECONDS}), waits that long for one to be submitted instead of answering null at once.`,
      errors: { types: [InvalidParamError, InvalidApiKeyError], directResult: true },
      args: {
        models: t.arg.stringList({ required: false }),
        leaseSeconds: t.arg.int({ required: true, defaultValue: 30 }),
        waitSeconds: t.arg.int({ required: true, defaultValue: 0 }),
      },
      resolve: (_root, args, ctx) =>
        claimOrWait(
          () => claimTask({ workerId: workerIdOf(ctx), models: args.models ?? null, leaseSeconds: args.leaseSeconds, maxRunningPerAccount: ctx.maxRunningPerAccount }),
          args.waitSeconds,
          ctx,
        ),
    }),
    reportProgress: t.field({
      type: TaskNode,
      description: 'Worker key. Records progress from 0 to 1 and renews the lease. LeaseLostError: stop working on it.',
      errors: { types: LEASED_TASK_ERRORS, directResult: true },
      args: { ...leaseArgs, progress: t.arg.float({ required: true }) },
      resolve: (_root, args, ctx, info) => reportProgress(...leased(args, ctx), args.progress, taskColumnsOf(info)),
    }),
    completeTask: t.field({
      type: TaskNode,
      description: 'Worker key. Finishes the task with its output; the held price is charged.',
      errors: { types: LEASED_TASK_ERRORS, directResult: true },
      args: { ...leaseArgs, output: t.arg({ type: 'JSON', required: false }) },
      resolve: (_root, args, ctx, info) => completeTask(...leased(args, ctx), args.output ?? {}, taskColumnsOf(info)),
    }),
    failTask: t.field({
      type: TaskNode,
      description:
        "Worker key. Ends the task as FAILED with a reason; the client is refunded in full. With retryable, and an attempt of the model's retry policy left, it goes back to the queue after the model's backoff instead (REQUEUED).",
      errors: { types: LEASED_TASK_ERRORS, directResult: true },
      args: {
        ...leaseArgs,
        error: t.arg.string({ required: true }),
        retryable: t.arg.boolean({ required: true, defaultValue: false, description: 'Another attempt may succeed: a timeout, a lost GPU, not a bad input.' }),
      },
      resolve: (_root, args, ctx, info) => failTask(...leased(args, ctx), args.error, args.retryable, taskColumnsOf(info)),
    }),
  };
});
