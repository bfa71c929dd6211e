import { encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { db } from '../../src/db/client.ts';
import { spendControlOf } from '../helpers/spend-control.ts';
import { asStranger, type CaseContext, type CrossAccountCase, expectVictimUntouched, victimTaskIds } from './cross-account-case.ts';

const NEVER_ISSUED = '0190a0a0-0000-7000-8000-00000000dead';
const ERRORS = '__typename ... on Error { code message status retryable }';
const BUDGET_FIELDS = 'id name scope tag period limit thresholds action periodStart resetsAt spent remaining trippedAt createdAt updatedAt';

const BY_BUDGET = {
  update: `mutation($id: ID!) { updateBudget(id: $id, input: { limit: 1 }) { ${ERRORS} ... on Budget { id } } }`,
  remove: `mutation($id: ID!) { deleteBudget(id: $id) { ${ERRORS} ... on DeletedBudget { id } } }`,
  node: `query($id: ID!) { node(id: $id) { ... on Budget { ${BUDGET_FIELDS} } } }`,
};

const COUNTS = 'matched cancelled refunded skipped { alreadyFinished pendingNotCancellable runnerNotSupported }';
const CANCEL_TASKS = `mutation($input: CancelTasksInput!) {
  cancelTasks(input: $input) { ${ERRORS} ... on BulkCancel { id clientKey state reason filter asOf createdAt finishedAt ${COUNTS} } ... on BulkCancelConflictError { bulkCancelId } }
}`;

/** A budget of the victim's, seen by the victim itself. */
async function victimBudget(context: CaseContext): Promise<string> {
  return (await spendControlOf(context.gateway, context.victim.apiKey).createBudget({ scope: 'ACCOUNT', period: 'TOTAL', limit: 1_000_000, thresholds: [] })).id;
}

export const SPEND_CONTROL_CASES: Record<string, CrossAccountCase> = {
  "another account's budget answers exactly as one never issued, and only the caller's own tasks move the caller's budgets": {
    covers: [
      'Account.budgets',
      ...BUDGET_FIELDS.split(' ').map((field) => `Budget.${field}`),
      'Mutation.createBudget',
      'Mutation.updateBudget',
      'Mutation.deleteBudget',
      'DeletedBudget.id',
      ...['code', 'message', 'retryable', 'status'].map((field) => `NotFoundError.${field}`),
      ...['budgetId', 'code', 'limit', 'message', 'period', 'resetsAt', 'retryable', 'scope', 'spent', 'status', 'tag', 'tripped'].map((field) => `BudgetExceededError.${field}`),
    ],
    async run(context) {
      const victims = await victimBudget(context);
      await expectVictimUntouched(context, async () => {
        for (const [call, query] of Object.entries(BY_BUDGET)) {
          const foreign = await asStranger(context, query, { id: victims });
          expect(foreign, call).toEqual(await asStranger(context, query, { id: encodeGlobalID('Budget', NEVER_ISSUED) }));
        }
      });
      expect(await db().budget.count({ where: { accountId: context.victim.accountId } })).toBe(1);

      const stranger = spendControlOf(context.gateway, context.stranger.apiKey);
      const own = await stranger.createBudget({ scope: 'ACCOUNT', period: 'TOTAL', limit: 2, thresholds: [] });
      const listed = await asStranger<{ account: { budgets: { id: string }[] } }>(context, `{ account { ... on Account { budgets { ${BUDGET_FIELDS} } } } }`);
      expect(listed.data?.account.budgets.map((budget) => budget.id)).toEqual([own.id]);
      const refused = await asStranger<{ submitTask: Record<string, unknown> }>(
        context,
        `mutation { submitTask(input: { model: "image-fast" }) { ${ERRORS} ... on BudgetExceededError { budgetId scope tag period limit spent resetsAt tripped } } }`,
      );
      expect(refused.data?.submitTask).toMatchObject({ __typename: 'BudgetExceededError', budgetId: own.id, limit: 2, spent: 0 });
      expect((await asStranger(context, BY_BUDGET.remove, { id: own.id })).data).toEqual({ deleteBudget: { __typename: 'DeletedBudget', id: own.id } });
    },
  },

  "a bulk cancel of the caller's matches its own tasks only, whatever the filter, and another's job does not exist for it": {
    covers: [
      'Mutation.cancelTasks',
      'Query.previewCancelTasks',
      ...['id', 'clientKey', 'state', 'reason', 'filter', 'asOf', 'createdAt', 'finishedAt', 'matched', 'cancelled', 'refunded', 'skipped'].map((field) => `BulkCancel.${field}`),
      ...['matched', 'cancelled', 'refunded', 'skipped'].map((field) => `BulkCancelPreview.${field}`),
      ...['alreadyFinished', 'pendingNotCancellable', 'runnerNotSupported'].map((field) => `BulkCancelSkipped.${field}`),
      ...['bulkCancelId', 'code', 'message', 'retryable', 'status'].map((field) => `BulkCancelConflictError.${field}`),
    ],
    async run(context) {
      const victimJob = await context.gateway.gql<{ cancelTasks: { id: string } }>(CANCEL_TASKS, { input: { filter: { states: ['COMPLETED'] }, clientKey: 'same-key' } }, context.victim.apiKey);
      const victimJobId = victimJob.data?.cancelTasks.id ?? '';
      await expectVictimUntouched(context, async () => {
        const preview = await asStranger<{ previewCancelTasks: { matched: number } }>(context, `query { previewCancelTasks(filter: {}) { ${ERRORS} ... on BulkCancelPreview { ${COUNTS} } } }`);
        const own = await db().task.count({ where: { accountId: context.stranger.accountId } });
        expect(preview.data?.previewCancelTasks.matched).toBe(own);
        // The same client key as the victim's job: a job of the caller's own, not the victim's.
        const mine = await asStranger<{ cancelTasks: { id: string } }>(context, CANCEL_TASKS, { input: { filter: { states: ['COMPLETED'] }, clientKey: 'same-key' } });
        expect(mine.data?.cancelTasks.id).not.toBe(victimJobId);
        const conflict = await asStranger<{ cancelTasks: { bulkCancelId: string } }>(context, CANCEL_TASKS, { input: { filter: {}, clientKey: 'same-key' } });
        expect(conflict.data?.cancelTasks.bulkCancelId).toBe(mine.data?.cancelTasks.id);
        const node = `query($id: ID!) { node(id: $id) { ... on BulkCancel { id ${COUNTS} } } }`;
        expect(await asStranger(context, node, { id: victimJobId })).toEqual(await asStranger(context, node, { id: encodeGlobalID('BulkCancel', NEVER_ISSUED) }));
        // What a bulk cancel of every task would reach: the caller's own alone.
        const everything = await asStranger<{ cancelTasks: { id: string } }>(context, CANCEL_TASKS, { input: { filter: {}, clientKey: 'everything' } });
        expect(everything.data?.cancelTasks.id).toBeDefined();
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      });
    },
  },

  "a guarded cancel of another account's task answers as one never issued; of the caller's own, with its own numbers": {
    covers: ['code', 'expected', 'message', 'progress', 'refund', 'retryable', 'status', 'taskState'].map((field) => `RefundBelowExpectedError.${field}`),
    async run(context) {
      const guarded = `mutation($id: ID!) { cancelTask(taskId: $id, expectRefundAtLeast: 500, reason: "guard") {
        ${ERRORS} ... on RefundBelowExpectedError { refund expected taskState progress } } }`;
      await expectVictimUntouched(context, async () => {
        for (const id of victimTaskIds(context)) {
          expect((await asStranger<{ cancelTask: { __typename: string } }>(context, guarded, { id })).data?.cancelTask.__typename).toBe('TaskNotFoundError');
        }
      });
      const own = await asStranger<{ cancelTask: Record<string, unknown> }>(context, guarded, { id: context.stranger.sharedTask });
      expect(own.data?.cancelTask).toMatchObject({ __typename: 'RefundBelowExpectedError', refund: 2, expected: 500, taskState: 'PENDING', progress: 0 });
    },
  },
};
