import { db } from '../../db/client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { TaskFilterValue } from '../../domain/task-filter.ts';
import { builder } from '../builder.ts';
import { isAccountTask } from '../../db/sql/task-reads.ts';
import { uuidOfCursor } from '../global-id.ts';
import { invalidArgument } from '../invalid-argument.ts';
import { taskWhere } from '../../db/task-where.ts';
import { TaskNode } from './task.type.ts';

/** Newest first; the id breaks ties between tasks created in the same millisecond. */
export const TASK_ORDER: Prisma.TaskOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

interface PageCursors {
  after?: string | null;
  before?: string | null;
}

/**
 * Refuses a page cursor that is not one of the account's tasks before a page
 * is read: paging from another account's task would tell that it exists and
 * when it was made, so it is refused exactly as an id never issued.
 */
export async function checkTaskCursors(args: PageCursors, accountId: string, typed: boolean): Promise<void> {
  for (const param of ['after', 'before'] as const) {
    const cursor = args[param];
    if (cursor == null) continue;
    if (!(await isAccountTask(accountId, uuidOfCursor(cursor, param, typed)))) {
      throw invalidArgument(typed, param, `${param} is not a cursor of this connection.`);
    }
  }
}

/** A page as Pothos's prisma connections hand it to the connection's fields: with its count, when asked for. */
interface CountedPage {
  totalCount?: () => number | Promise<number>;
}

/** The count of every list of an account's tasks: the tasks of its filter, across all pages. */
export function countTasks(accountId: string, filter: TaskFilterValue): Promise<number> {
  return db().task.count({ where: taskWhere(accountId, filter) });
}

/** One connection type for every list of an account's tasks, so Relay clients cache them alike. */
export const TaskConnection = builder.connectionObject(
  {
    type: TaskNode,
    name: 'TaskConnection',
    description: 'A page of your tasks, newest first.',
    fields: (t) => ({
      totalCount: t.int({
        description: "How many tasks match the list's filter, across all pages; counted only when asked for.",
        // Pothos counts alone, without reading a page, when nothing else of the list is selected.
        extensions: { pothosPrismaTotalCount: true },
        resolve: async (connection) => (await (connection as CountedPage).totalCount?.()) ?? 0,
      }),
    }),
  },
  { name: 'TaskEdge' },
);
