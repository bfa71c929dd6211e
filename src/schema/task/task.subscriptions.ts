import { InvalidParamError } from '../../domain/errors.ts';
import { accountEventStream } from '../../events/account-event-stream.ts';
import { decodeEventCursor } from '../../events/cursor.ts';
import { isRetained } from '../../db/sql/event-log.ts';
import { StreamClosed } from '../../events/stream-closed.ts';
import { taskUpdateStream } from '../../events/task-update-stream.ts';
import { EVENT_RETENTION_NOTE } from '../../events/retention.ts';
import { clientOf } from '../auth.ts';
import { builder } from '../builder.ts';
import { TaskEventTypeEnum } from '../enums.ts';
import { decodeIdOf } from '../global-id.ts';
import { graphQLError } from '../graphql-error.ts';
import { streamClosedError, subscribing } from '../subscription-errors.ts';
import { matchesTask } from '../../domain/task-filter.ts';
import { taskAsOfEvent } from '../../events/task-as-of-event.ts';
import { filterValueOf, TaskFilter } from './task-filter.ts';
import { taskRefFromArgs } from './task-ref.ts';
import { TaskEventObject } from './task-event.type.ts';
import { TaskNode } from './task.type.ts';

const TaskEventFilter = builder.inputType('TaskEventFilter', {
  description:
    "Events matching every field given; an omitted one matches all. `task` matches each event's task as the event left it (its state, and its update time as the event's).",
  fields: (t) => ({
    taskIds: t.idList({ required: false }),
    types: t.field({ type: [TaskEventTypeEnum], required: false }),
    task: t.field({ type: TaskFilter, required: false }),
  }),
});

builder.subscriptionType({});

builder.subscriptionFields((t) => ({
  taskUpdated: t.field({
    type: TaskNode,
    description:
      'One of your tasks, by exactly one of its id and outTaskId: as it is now, then after every change of its state or progress. The stream ends after a terminal state.',
    args: { taskId: t.arg.id({ required: false }), outTaskId: t.arg.string({ required: false }) },
    subscribe: (_root, args, ctx) =>
      subscribing(() => {
        const ref = taskRefFromArgs(args.taskId, args.outTaskId, 'taskId');
        const client = clientOf(ctx);
        return taskUpdateStream({
          hub: ctx.events,
          accountId: client.accountId,
          keyId: client.apiKeyId,
          ref,
          transport: ctx.transport,
        });
      }),
    resolve: (update) => {
      if (update instanceof StreamClosed) throw streamClosedError(update);
      return update;
    },
  }),
  taskEvents: t.field({
    type: TaskEventObject,
    description: `Every event of your tasks, in log order. With \`after\` (an event's cursor), first every event since it from the log, then live, with no gap and no duplicate. ${EVENT_RETENTION_NOTE}`,
    args: { after: t.arg.string({ required: false }), filter: t.arg({ type: TaskEventFilter, required: false }) },
    subscribe: (_root, args, ctx) =>
      subscribing(async () => {
        const after = args.after == null ? null : decodeEventCursor(args.after);
        if (after === undefined) throw new InvalidParamError('after', 'after is not an event cursor.');
        const taskIds = args.filter?.taskIds?.map((id, index) => decodeIdOf('Task', id, `filter.taskIds.${index}`));
        const { accountId, apiKeyId } = clientOf(ctx);
        if (after && !(await isRetained(after, accountId))) {
          throw graphQLError(
            'CURSOR_EXPIRED',
            `This cursor is not in the event log: it is older than the retained log or unknown. ${EVENT_RETENTION_NOTE}`,
          );
        }
        const types = args.filter?.types;
        const task = args.filter?.task ? filterValueOf(args.filter.task, 'filter.task') : undefined;
        return accountEventStream({
          hub: ctx.events,
          accountId,
          keyId: apiKeyId,
          after,
          accepts: (event) =>
            (!taskIds || taskIds.includes(event.taskId)) &&
            (!types || types.includes(event.type)) &&
            (!task || matchesTask(task, { ...taskAsOfEvent(event.task, event), updatedAt: event.at })),
          transport: ctx.transport,
        });
      }),
    resolve: (item) => {
      if (item instanceof StreamClosed) throw streamClosedError(item);
      return item;
    },
  }),
}));
