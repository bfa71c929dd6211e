import { builder } from '../builder.ts';
import { LedgerEntryKindEnum } from '../enums.ts';

export const LedgerEntryNode = builder.prismaNode('LedgerEntry', {
  description: 'One movement of credits. Append-only.',
  id: { field: 'id' },
  fields: (t) => ({
    kind: t.expose('kind', { type: LedgerEntryKindEnum }),
    amount: t.exposeInt('amount', { description: 'Signed: a HOLD is negative.' }),
    balanceAfter: t.exposeInt('balanceAfter'),
    task: t.relation('task', { nullable: true, description: 'The task that moved it; null for a GRANT.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
