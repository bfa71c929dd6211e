import { brandWithType } from '@pothos/core';
import { findAccountTask } from '../db/sql/task-reads.ts';
import { builder } from './builder.ts';
import { idOf } from './global-id.ts';
import { TaskNode } from './task/task.type.ts';

builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description:
      'Refetches one of your objects by its global id. Anything else, a malformed id or another account\'s task included, is null.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const id = idOf('Task', args.id);
      if (id === undefined || ctx.caller.kind !== 'client') return null;
      const task = await findAccountTask(ctx.caller.accountId, { id });
      if (!task) return null;
      brandWithType(task, TaskNode);
      return task;
    },
  }),
);
