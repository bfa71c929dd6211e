import { encodeGlobalID } from '@pothos/plugin-relay';
import type { BudgetThreshold } from '../../events/event-detail.ts';
import { builder } from '../builder.ts';

export const BudgetThresholdObject = builder.objectRef<BudgetThreshold>('BudgetThresholdCrossing').implement({
  description: "A budget's spend crossing one of its thresholds, told once per crossing.",
  fields: (t) => ({
    budgetId: t.id({ resolve: (crossing) => encodeGlobalID('Budget', crossing.budgetId) }),
    threshold: t.exposeFloat('threshold', { description: 'The fraction of the limit crossed.' }),
    spent: t.exposeInt('spent', { description: 'The spend right after the hold.' }),
    limit: t.exposeInt('limit'),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
  }),
});
