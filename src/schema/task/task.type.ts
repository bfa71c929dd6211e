import { db } from '../../db/client.ts';
import { builder } from '../builder.ts';
import { checkRowCursors } from '../row-cursor.ts';
import { RunnerEnum, TaskStateEnum } from '../enums.ts';
import { cancelActorView } from '../../events/event-detail.ts';
import { CancelActorObject, CancelPreviewObject, cancelPreviewOf } from './cancel-fields.ts';

export const TaskNode = builder.prismaNode('Task', {
  description: 'A long-running, billable unit of work: an agent run or a media generation.',
  id: { field: 'id' },
  fields: (t) => ({
    outTaskId: t.exposeString('outTaskId', { nullable: true, description: "The client's idempotency key." }),
    model: t.exposeString('modelName', { description: 'The catalog model it runs.' }),
    runner: t.expose('runner', { type: RunnerEnum }),
    state: t.expose('state', { type: TaskStateEnum }),
    progress: t.exposeFloat('progress', { description: 'From 0 to 1, as the worker last reported.' }),
    input: t.expose('input', { type: 'JSON' }),
    output: t.expose('output', { type: 'JSON', nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'Why the task failed.' }),
    creditsUsed: t.exposeInt('creditsUsed', {
      nullable: true,
      description: 'Credits charged once finished; null means no charge.',
    }),
    attempts: t.exposeInt('attempts', { description: 'How many times a worker has claimed it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    metadata: t.field({ type: 'JSON', description: 'Your string map, as submitted.', resolve: (task) => task.metadata }),
    tags: t.exposeStringList('tags', { description: 'Your labels, as submitted, sorted.' }),
    cancelledBy: t.field({
      type: CancelActorObject,
      nullable: true,
      description: 'Who cancelled it: the API key of a cancelTask, a budget, a bulk cancel, or a deadline.',
      resolve: (task) => cancelActorView(task.cancelActorKind, task.cancelActorId),
    }),
    cancelReason: t.exposeString('cancelReason', { nullable: true, description: 'Why, as the cancel gave it.' }),
    priority: t.exposeInt('priority', { description: 'As submitted, from -100 to 100.' }),
    startDeadline: t.expose('startDeadline', {
      type: 'DateTime',
      nullable: true,
      description: 'Still PENDING then, it ends CANCELLED and free, by DEADLINE.',
    }),
    maxRunSeconds: t.exposeInt('maxRunSeconds', { nullable: true, description: 'The longest one claim may run, as submitted.' }),
    runDeadline: t.expose('runDeadline', {
      type: 'DateTime',
      nullable: true,
      description: "While RUNNING with maxRunSeconds: when this claim's time is up and it is cancelled under the model's refund cutoff.",
    }),
    claimableAt: t.expose('availableAt', {
      type: 'DateTime',
      description: "When PENDING, the earliest a worker may claim it: its submit, or after a retry, the end of its model's backoff.",
    }),
    cancelPreview: t.field({
      type: CancelPreviewObject,
      description: 'What cancelling it now would do: outcome, refund and charge, from the decision the cancel itself makes.',
      resolve: (task) => cancelPreviewOf(task.id),
    }),
    ledgerEntries: t.relation('ledgerEntries', {
      description: "The credits this task moved: its HOLD and, if any, its REFUND.",
      query: { orderBy: { id: 'asc' } },
    }),
    events: t.relatedConnection(
      'events',
      {
        description: 'Every change of this task, oldest first.',
        cursor: 'id',
        query: async (args, ctx) => {
          await checkRowCursors(args, ctx, async (id, accountId) => (await db().taskEvent.count({ where: { id, accountId } })) > 0);
          return { orderBy: { id: 'asc' } };
        },
      },
      { name: 'TaskEventConnection' },
      { name: 'TaskEventEdge' },
    ),
  }),
});
