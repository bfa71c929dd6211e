import { builder } from '../builder.ts';
import { PendingCancelPolicyEnum } from '../enums.ts';

builder.prismaObject('Model', {
  description: 'A catalog entry: what a task of this model costs and how cancelling it is billed.',
  fields: (t) => ({
    name: t.exposeString('name'),
    price: t.exposeInt('price', { description: 'Credits held on submit.' }),
    pendingCancel: t.expose('pendingCancel', { type: PendingCancelPolicyEnum }),
    refundCutoff: t.exposeFloat('refundCutoff', {
      description: 'A running task cancelled with progress below this fraction is refunded in full; at or above it, nothing is refunded.',
    }),
  }),
});
