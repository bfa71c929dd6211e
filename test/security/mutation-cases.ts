import { expect } from 'vitest';
import { db } from '../../src/db/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { rowId } from '../helpers/rows.ts';
import {
  asStranger,
  type CaseContext,
  type CrossAccountCase,
  expectVictimUntouched,
  NEVER_ISSUED_TASK,
  victimTaskIds,
} from './cross-account-case.ts';
import { SHARED_KEY } from './tenants.ts';

const SUBMIT = `mutation($input: SubmitTaskInput!) {
  submitTask(input: $input) {
    __typename ... on Task { id state }
    ... on Error { code message status retryable }
    ... on IdempotencyConflictError { taskId }
    ... on InsufficientCreditsError { required available }
  }
}`;

const CANCEL = `mutation($taskId: ID, $outTaskId: String) {
  cancelTask(taskId: $taskId, outTaskId: $outTaskId) {
    __typename ... on Task { id state }
    ... on Error { code message status retryable }
    ... on ConflictError { retryAfterSeconds taskState }
    ... on OperationNotSupportedError { runner cancelVia }
  }
}`;

interface Submitted {
  submitTask: { __typename: string; id?: string; taskId?: string; required?: number; available?: number };
}

async function ownerOf(globalTaskId: string): Promise<string> {
  return (await db().task.findUniqueOrThrow({ where: { id: rowId(globalTaskId) } })).accountId;
}

/** The victim's own cancels, to show its tasks would answer otherwise if the stranger reached them. */
async function victimCancels(context: CaseContext, taskId: string): Promise<string | undefined> {
  const res = await context.gateway.gql<{ cancelTask: { __typename: string } }>(CANCEL, { taskId }, context.victim.apiKey);
  return res.data?.cancelTask.__typename;
}

export const MUTATION_CASES: Record<string, CrossAccountCase> = {
  "submitTask with another account's outTaskId makes the caller's own task, and a conflict names only the caller's": {
    covers: ['Mutation.submitTask', 'IdempotencyConflictError.code', 'IdempotencyConflictError.message', 'IdempotencyConflictError.retryable', 'IdempotencyConflictError.status', 'IdempotencyConflictError.taskId'],
    async run(context) {
      await expectVictimUntouched(context, async () => {
        const fresh = await asStranger<Submitted>(context, SUBMIT, { input: { model: 'agent-run', outTaskId: context.victim.ownKey, input: { owner: 'stranger' } } });
        expect(fresh.data?.submitTask.__typename).toBe('Task');
        expect(await ownerOf(fresh.data?.submitTask.id ?? '')).toBe(context.stranger.accountId);

        const conflict = await asStranger<Submitted>(context, SUBMIT, { input: { model: 'video-hd', outTaskId: SHARED_KEY, input: { owner: 'stranger' } } });
        expect(conflict.data?.submitTask).toMatchObject({ __typename: 'IdempotencyConflictError', taskId: context.stranger.sharedTask });
      });
    },
  },

  "InsufficientCreditsError tells the caller's own balance, never another's": {
    covers: ['InsufficientCreditsError.available', 'InsufficientCreditsError.code', 'InsufficientCreditsError.message', 'InsufficientCreditsError.required', 'InsufficientCreditsError.retryable', 'InsufficientCreditsError.status'],
    async run(context) {
      const poor = await givenAccount(3);
      const res = await asStranger<Submitted>(context, SUBMIT, { input: { model: 'video-hd', outTaskId: context.victim.ownKey } }, poor.apiKey);
      expect(res.data?.submitTask).toMatchObject({ __typename: 'InsufficientCreditsError', required: 120, available: 3 });
    },
  },

  "cancelTask answers another account's task exactly as one never issued, and changes nothing of it": {
    covers: [
      'Mutation.cancelTask',
      ...['code', 'message', 'retryAfterSeconds', 'retryable', 'status', 'taskState'].map((field) => `ConflictError.${field}`),
      ...['cancelVia', 'code', 'message', 'retryable', 'runner', 'status'].map((field) => `OperationNotSupportedError.${field}`),
    ],
    async run(context) {
      await expectVictimUntouched(context, async () => {
        // To its owner, these tasks answer ConflictError and OperationNotSupportedError: to the stranger, they do not exist.
        expect(await victimCancels(context, context.victim.tasks.agent)).toBe('ConflictError');
        expect(await victimCancels(context, context.victim.tasks.selfHosted)).toBe('OperationNotSupportedError');

        const unknown = await asStranger<{ cancelTask: { __typename: string } }>(context, CANCEL, { taskId: NEVER_ISSUED_TASK });
        expect(unknown.data?.cancelTask.__typename).toBe('TaskNotFoundError');
        for (const taskId of victimTaskIds(context)) expect(await asStranger(context, CANCEL, { taskId })).toEqual(unknown);
        expect(await asStranger(context, CANCEL, { outTaskId: context.victim.ownKey })).toEqual(unknown);
      });
      const own = await asStranger(context, CANCEL, { outTaskId: SHARED_KEY });
      expect(own.data).toEqual({ cancelTask: { __typename: 'Task', id: context.stranger.sharedTask, state: 'CANCELLED' } });
    },
  },
};
