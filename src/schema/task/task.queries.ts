import { InvalidApiKeyError, InvalidParamError, TaskNotFoundError } from '../../domain/errors.ts';
import { db } from '../../db/client.ts';
import { clientAccountId } from '../auth.ts';
import { builder } from '../builder.ts';
import { RunnerEnum, TaskStateEnum } from '../enums.ts';
import { checkUuidCursor } from '../global-id.ts';
import { findAccountTask } from '../../db/sql/task-reads.ts';
import { taskRefFromArgs } from './task-ref.ts';
import { TaskNode } from './task.type.ts';

const TaskFilter = builder.inputType('TaskFilter', {
  description: 'Tasks matching every list given; an omitted list matches all.',
  fields: (t) => ({
    states: t.field({ type: [TaskStateEnum], required: false }),
    models: t.stringList({ required: false }),
    runners: t.field({ type: [RunnerEnum], required: false }),
  }),
});

builder.queryFields((t) => ({
  task: t.field({
    type: TaskNode,
    description: 'One of your tasks, by exactly one of its id and its outTaskId.',
    errors: { types: [InvalidParamError, InvalidApiKeyError, TaskNotFoundError], directResult: true },
    args: { id: t.arg.id({ required: false }), outTaskId: t.arg.string({ required: false }) },
    // A point read by hand: the hottest query skips planning a Prisma selection, and relations asked for load on their own.
    resolve: async (_root, args, ctx) => {
      const ref = taskRefFromArgs(args.id, args.outTaskId, 'id');
      const task = await findAccountTask(clientAccountId(ctx), ref);
      if (!task) throw new TaskNotFoundError();
      return task;
    },
  }),
  tasks: t.prismaConnection({
    type: 'Task',
    cursor: 'id',
    description: 'Your tasks, newest first.',
    errors: { types: [InvalidParamError, InvalidApiKeyError], directResult: true },
    args: { filter: t.arg({ type: TaskFilter, required: false }) },
    resolve: (query, _root, { filter, after, before }, ctx) => {
      checkUuidCursor(after, 'after');
      checkUuidCursor(before, 'before');
      return db().task.findMany({
        ...query,
        where: {
          accountId: clientAccountId(ctx),
          ...(filter?.states ? { state: { in: filter.states } } : {}),
          ...(filter?.models ? { modelName: { in: filter.models } } : {}),
          ...(filter?.runners ? { runner: { in: filter.runners } } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      });
    },
  }),
}));
