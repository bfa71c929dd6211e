import { builder } from '../builder.ts';
import { LedgerEntryKindEnum } from '../enums.ts';

builder.prismaObject('LedgerEntry', {
  description: 'One movement of credits. Append-only.',
  fields: (t) => ({
    id: t.id({ resolve: (entry) => entry.id.toString() }),
    kind: t.expose('kind', { type: LedgerEntryKindEnum }),
    amount: t.exposeInt('amount', { description: 'Signed: a HOLD is negative.' }),
    balanceAfter: t.exposeInt('balanceAfter'),
    task: t.relation('task', { nullable: true, description: 'The task that moved it; null for a GRANT.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
