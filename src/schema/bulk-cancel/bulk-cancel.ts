import type { BulkCancelRow } from '../../db/sql/bulk-cancels.ts';
import { BulkCancelConflictError, InvalidApiKeyError, InvalidParamError } from '../../domain/errors.ts';
import { type BulkCancelCounts, previewBulkCancel, startBulkCancel } from '../../services/bulk-cancels.ts';
import { MAX_CANCEL_REASON_LENGTH } from '../../services/cancel-task.ts';
import { clientOf } from '../auth.ts';
import { builder } from '../builder.ts';
import { filterValueOf, TaskFilter } from '../task/task-filter.ts';

const BulkCancelStateEnum = builder.enumType('BulkCancelState', { values: ['RUNNING', 'DONE'] as const });

const SkippedObject = builder.objectRef<BulkCancelCounts['skipped']>('BulkCancelSkipped').implement({
  description: 'Matching tasks a bulk cancel passed over, by why: as a cancelTask of each would have answered.',
  fields: (t) => ({
    alreadyFinished: t.exposeInt('ALREADY_FINISHED'),
    pendingNotCancellable: t.exposeInt('PENDING_NOT_CANCELLABLE', { description: 'Pending runs of a model that cancels them only once claimed.' }),
    runnerNotSupported: t.exposeInt('RUNNER_NOT_SUPPORTED', { description: 'Runs the API cannot cancel.' }),
  }),
});

function skippedOf(job: BulkCancelRow): BulkCancelCounts['skipped'] {
  const kept = (job.skipped ?? {}) as Record<string, unknown>;
  const count = (name: string): number => (typeof kept[name] === 'number' ? kept[name] : 0);
  return { ALREADY_FINISHED: count('ALREADY_FINISHED'), PENDING_NOT_CANCELLABLE: count('PENDING_NOT_CANCELLABLE'), RUNNER_NOT_SUPPORTED: count('RUNNER_NOT_SUPPORTED') };
}

export const BulkCancelObject = builder.node(builder.objectRef<BulkCancelRow>('BulkCancel'), {
  description:
    'A cancel of every task that matched a filter when it was asked for, run in batches of cancels with the guarantees of one cancelTask each; its counts grow as it runs, and each task it cancels has a CANCELLED event naming it.',
  id: { resolve: (job) => job.id },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'clientKey' in value && 'asOf' in value,
  fields: (t) => ({
    clientKey: t.exposeString('clientKey'),
    state: t.expose('state', { type: BulkCancelStateEnum }),
    reason: t.exposeString('reason', { nullable: true }),
    filter: t.field({ type: 'JSON', resolve: (job) => job.filter }),
    matched: t.exposeInt('matched', { description: 'Matching tasks handled so far.' }),
    cancelled: t.exposeInt('cancelled'),
    refunded: t.exposeInt('refunded', { description: 'Credits the cancels gave back.' }),
    skipped: t.field({ type: SkippedObject, resolve: skippedOf }),
    asOf: t.expose('asOf', { type: 'DateTime', description: 'Tasks made after this are not its own.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const BulkCancelPreviewObject = builder.objectRef<BulkCancelCounts>('BulkCancelPreview').implement({
  description: 'What the bulk cancel would do now, from the decision each cancel makes, over one snapshot of the matching tasks; nothing was changed.',
  fields: (t) => ({
    matched: t.exposeInt('matched'),
    cancelled: t.exposeInt('cancelled'),
    refunded: t.exposeInt('refunded'),
    skipped: t.field({ type: SkippedObject, resolve: (counts) => counts.skipped }),
  }),
});

const CancelTasksInput = builder.inputType('CancelTasksInput', {
  fields: (t) => ({
    filter: t.field({ type: TaskFilter, required: true }),
    clientKey: t.string({ required: true, description: 'Your idempotency key: the same key answers the same job.' }),
    reason: t.string({ required: false, description: `Kept on each task cancelled and its event; at most ${MAX_CANCEL_REASON_LENGTH} characters.` }),
  }),
});

builder.mutationField('cancelTasks', (t) =>
  t.field({
    type: BulkCancelObject,
    description:
      'Cancels every one of your tasks the filter matches now, in the background, in batches; `previewCancelTasks` says beforehand what it would do. The same clientKey answers the same job.',
    errors: { types: [InvalidParamError, InvalidApiKeyError, BulkCancelConflictError], directResult: true },
    args: { input: t.arg({ type: CancelTasksInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const client = clientOf(ctx);
      const filter = filterValueOf(input.filter, 'input.filter');
      return startBulkCancel(client.accountId, client.apiKeyId, { filter, clientKey: input.clientKey, reason: input.reason ?? null });
    },
  }),
);

builder.queryField('previewCancelTasks', (t) =>
  t.field({
    type: BulkCancelPreviewObject,
    description: 'The dry run of cancelTasks: what it would do now, and nothing done.',
    errors: { types: [InvalidParamError, InvalidApiKeyError], directResult: true },
    args: { filter: t.arg({ type: TaskFilter, required: true }) },
    resolve: (_root, args, ctx) => previewBulkCancel(clientOf(ctx).accountId, filterValueOf(args.filter, 'filter')),
  }),
);
