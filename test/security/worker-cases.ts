import { expect } from 'vitest';
import { givenWorker } from '../helpers/factories.ts';
import { asStranger, type CaseContext, type CrossAccountCase, expectVictimUntouched } from './cross-account-case.ts';

const WORKER_ERRORS = '__typename ... on Error { code message status retryable } ... on LeaseLostError { taskState }';

const LEASED_CALLS: Record<string, string> = {
  reportProgress: `mutation($taskId: ID!) { reportProgress(taskId: $taskId, progress: 0.99) { ${WORKER_ERRORS} } }`,
  completeTask: `mutation($taskId: ID!) { completeTask(taskId: $taskId, output: { stolen: true }) { ${WORKER_ERRORS} } }`,
  failTask: `mutation($taskId: ID!) { failTask(taskId: $taskId, error: "stolen") { ${WORKER_ERRORS} } }`,
};

/**
 * A worker call on the victim's running task, by the stranger's API key and
 * by a worker that does not hold its lease: refused, and the task goes on.
 */
function leasedTaskCase(field: string, query: string): CrossAccountCase {
  return {
    covers: [`Mutation.${field}`, 'LeaseLostError.code', 'LeaseLostError.message', 'LeaseLostError.retryable', 'LeaseLostError.status', 'LeaseLostError.taskState'],
    async run(context: CaseContext) {
      const otherWorker = await givenWorker();
      await expectVictimUntouched(context, async () => {
        const byClient = await asStranger<Record<string, { __typename: string }>>(context, query, { taskId: context.victim.tasks.running });
        expect(byClient.data?.[field]?.__typename).toBe('InvalidApiKeyError');
        const byOtherWorker = await asStranger(context, query, { taskId: context.victim.tasks.running }, otherWorker.workerKey);
        expect(byOtherWorker.data?.[field]).toMatchObject({ __typename: 'LeaseLostError', taskState: 'RUNNING' });
      });
    },
  };
}

export const WORKER_CASES: Record<string, CrossAccountCase> = {
  'claimTask refuses API keys, so no account can take tasks from the queue': {
    covers: ['Mutation.claimTask', 'InvalidApiKeyError.code', 'InvalidApiKeyError.message', 'InvalidApiKeyError.retryable', 'InvalidApiKeyError.status'],
    async run(context) {
      const claim = 'mutation { claimTask(models: ["video-hd", "agent-run", "upscale"]) { __typename ... on Error { code message status retryable } } }';
      await expectVictimUntouched(context, async () => {
        for (const key of [context.stranger.apiKey, context.victim.apiKey]) {
          expect((await asStranger(context, claim, {}, key)).data).toEqual({
            claimTask: { __typename: 'InvalidApiKeyError', code: 'INVALID_API_KEY', message: expect.any(String) as string, status: 401, retryable: false },
          });
        }
      });
    },
  },
  ...Object.fromEntries(
    Object.entries(LEASED_CALLS).map(([field, query]) => [
      `${field} on another's task is refused to an API key and to a worker without its lease, and changes nothing`,
      leasedTaskCase(field, query),
    ]),
  ),
};
