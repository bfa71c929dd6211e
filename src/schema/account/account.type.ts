import { db } from '../../db/client.ts';
import { builder } from '../builder.ts';
import { checkRowCursors } from '../row-cursor.ts';

builder.prismaObject('Account', {
  description: 'Your account: its balance and the ledger that explains it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    balance: t.exposeInt('balance', { description: 'Credits; always the sum of the ledger, never below zero.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    ledger: t.relatedConnection('ledgerEntries', {
      description: 'Every credit that moved, newest first.',
      cursor: 'id',
      query: async (args, ctx) => {
        await checkRowCursors(args, ctx, async (id, accountId) => (await db().ledgerEntry.count({ where: { id, accountId } })) > 0);
        return { orderBy: { id: 'desc' } };
      },
    }),
  }),
});
