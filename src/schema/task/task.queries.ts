import { InvalidApiKeyError, InvalidParamError, TaskNotFoundError } from '../../domain/errors.ts';
import { db } from '../../db/client.ts';
import { clientAccountId } from '../auth.ts';
import { builder } from '../builder.ts';
import { findAccountTask } from '../../db/sql/task-reads.ts';
import { taskWhere } from '../../db/task-where.ts';
import { filterValueOf, TaskFilter } from './task-filter.ts';
import { checkTaskCursors, countTasks, TASK_ORDER, TaskConnection } from './task-list.ts';
import { taskColumnsOf } from './task-columns.ts';
import { taskRefFromArgs } from './task-ref.ts';
import { TaskNode } from './task.type.ts';

builder.queryFields((t) => ({
  task: t.field({
    type: TaskNode,
    description: 'One of your tasks, by exactly one of its id and its outTaskId.',
    errors: { types: [InvalidParamError, InvalidApiKeyError, TaskNotFoundError], directResult: true },
    args: { id: t.arg.id({ required: false }), outTaskId: t.arg.string({ required: false }) },
    // A point read by hand of the columns the selection reads: the hottest query skips planning a Prisma selection, and relations asked for load on their own.
    resolve: async (_root, args, ctx, info) => {
      const ref = taskRefFromArgs(args.id, args.outTaskId, 'id');
      const task = await findAccountTask(clientAccountId(ctx), ref, taskColumnsOf(info));
      if (!task) throw new TaskNotFoundError();
      return task;
    },
  }),
  tasks: t.prismaConnection(
    {
      type: 'Task',
      cursor: 'id',
      description: 'Your tasks, newest first. The same list is `Account.tasks`, a plain connection for Relay clients.',
      errors: { types: [InvalidParamError, InvalidApiKeyError], directResult: true },
      args: { filter: t.arg({ type: TaskFilter, required: false }) },
      resolve: async (query, _root, args, ctx) => {
        const accountId = clientAccountId(ctx);
        const filter = filterValueOf(args.filter, 'filter');
        await checkTaskCursors(args, accountId, true);
        return db().task.findMany({ ...query, where: taskWhere(accountId, filter), orderBy: TASK_ORDER });
      },
      totalCount: (_root, args, ctx) => countTasks(clientAccountId(ctx), filterValueOf(args.filter, 'filter')),
    },
    TaskConnection,
  ),
}));
