import { InvalidApiKeyError, InvalidParamError, NotFoundError } from '../../domain/errors.ts';
import { changeBudget, createBudget, removeBudget } from '../../services/budgets.ts';
import { clientOf } from '../auth.ts';
import { builder } from '../builder.ts';
import { BudgetActionEnum, BudgetPeriodEnum, BudgetScopeEnum } from '../enums.ts';
import { decodeIdOf } from '../global-id.ts';
import { BudgetObject } from './budget.type.ts';

const DEFAULT_THRESHOLDS = [0.5, 0.8, 1];

const CreateBudgetInput = builder.inputType('CreateBudgetInput', {
  fields: (t) => ({
    name: t.string({ required: false }),
    scope: t.field({ type: BudgetScopeEnum, required: true, description: 'API_KEY counts the tasks of the key making the budget.' }),
    tag: t.string({ required: false, description: 'The tag a TAG budget counts.' }),
    period: t.field({ type: BudgetPeriodEnum, required: true }),
    limit: t.int({ required: true, description: 'Credits.' }),
    thresholds: t.floatList({ required: true, defaultValue: DEFAULT_THRESHOLDS, description: 'Fractions of the limit to be told of, by a BUDGET_THRESHOLD event.' }),
    action: t.field({ type: BudgetActionEnum, required: true, defaultValue: 'REFUSE_SUBMITS' }),
  }),
});

const UpdateBudgetInput = builder.inputType('UpdateBudgetInput', {
  description: 'What to change; what is left out stays as it is. Scope and period cannot change: make another budget.',
  fields: (t) => ({
    name: t.string({ required: false }),
    limit: t.int({ required: false }),
    thresholds: t.floatList({ required: false }),
    action: t.field({ type: BudgetActionEnum, required: false }),
    rearm: t.boolean({ required: false, description: 'Lift the current period\'s trip: submits in scope are taken again, up to the limit.' }),
  }),
});

const DeletedBudget = builder.objectRef<{ id: string }>('DeletedBudget').implement({
  fields: (t) => ({ id: t.exposeID('id', { description: 'The global id the budget had.' }) }),
});

const OWN = [InvalidParamError, InvalidApiKeyError, NotFoundError];

builder.mutationFields((t) => ({
  createBudget: t.field({
    type: BudgetObject,
    description: 'A new budget. Its spend opens with what the ledger already holds for its scope in its current period.',
    errors: { types: [InvalidParamError, InvalidApiKeyError], directResult: true },
    args: { input: t.arg({ type: CreateBudgetInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      const client = clientOf(ctx);
      return createBudget(client.accountId, client.apiKeyId, {
        name: input.name ?? null,
        scope: input.scope,
        tag: input.tag ?? null,
        period: input.period,
        limit: input.limit,
        thresholds: input.thresholds,
        action: input.action,
      });
    },
  }),
  updateBudget: t.field({
    type: BudgetObject,
    errors: { types: OWN, directResult: true },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateBudgetInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => {
      const accountId = clientOf(ctx).accountId;
      const { name, limit, thresholds, action, rearm } = input;
      return changeBudget(accountId, decodeIdOf('Budget', id, 'id'), {
        ...(name === undefined ? {} : { name }),
        ...(limit == null ? {} : { limit }),
        ...(thresholds == null ? {} : { thresholds }),
        ...(action == null ? {} : { action }),
        ...(rearm == null ? {} : { rearm }),
      });
    },
  }),
  deleteBudget: t.field({
    type: DeletedBudget,
    errors: { types: OWN, directResult: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      await removeBudget(clientOf(ctx).accountId, decodeIdOf('Budget', id, 'id'));
      return { id };
    },
  }),
}));
