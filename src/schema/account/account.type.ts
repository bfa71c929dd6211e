import { db } from '../../db/client.ts';
import { accountBudgets } from '../../db/sql/budgets.ts';
import { BudgetObject } from '../budget/budget.type.ts';
import { untypedRefusals } from '../invalid-argument.ts';
import { builder } from '../builder.ts';
import { checkRowCursors } from '../row-cursor.ts';
import { taskWhere } from '../../db/task-where.ts';
import { filterValueOf, TaskFilter } from '../task/task-filter.ts';
import { checkTaskCursors, countTasks, TASK_ORDER, TaskConnection } from '../task/task-list.ts';

export const AccountNode = builder.prismaNode('Account', {
  description: 'Your account: its balance, the ledger that explains it, and its tasks.',
  id: { field: 'id' },
  fields: (t) => ({
    name: t.exposeString('name'),
    balance: t.exposeInt('balance', { description: 'Credits; always the sum of the ledger, never below zero.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    ledger: t.relatedConnection(
      'ledgerEntries',
      {
        description: 'Every credit that moved, newest first.',
        cursor: 'id',
        query: async (args, ctx) => {
          await checkRowCursors(args, ctx, async (id, accountId) => (await db().ledgerEntry.count({ where: { id, accountId } })) > 0);
          return { orderBy: { id: 'desc' } };
        },
      },
      { name: 'LedgerEntryConnection' },
      { name: 'LedgerEntryEdge' },
    ),
    budgets: t.field({
      type: [BudgetObject],
      description: 'Your budgets, oldest first, each with its spend in its current period.',
      resolve: (account) => accountBudgets(account.id),
    }),
    webhookEndpoints: t.relation('webhookEndpoints', {
      description: 'Where your events are sent, oldest first.',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    tasks: t.prismaConnection(
      {
        type: 'Task',
        cursor: 'id',
        description: "The account's tasks, newest first: the list `tasks` gives, as a plain connection Relay's @connection can use.",
        args: { filter: t.arg({ type: TaskFilter, required: false }) },
        resolve: async (query, account, args) => {
          const filter = untypedRefusals(() => filterValueOf(args.filter, 'filter'));
          await checkTaskCursors(args, account.id, false);
          return db().task.findMany({ ...query, where: taskWhere(account.id, filter), orderBy: TASK_ORDER });
        },
        totalCount: (account, args) => countTasks(account.id, untypedRefusals(() => filterValueOf(args.filter, 'filter'))),
      },
      TaskConnection,
    ),
  }),
});
