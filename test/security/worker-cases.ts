import { expect } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { subscribeSse } from '../helpers/subscriptions.ts';
import { workerOf } from '../helpers/worker.ts';
import { expectNothingOf } from './victim-traces.ts';
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

const CANCELLED_TASKS = 'subscription { cancelledTasks { task { id input } cancellation { reason actor { kind } } } }';

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
  "cancelledTasks tells a worker of its own tasks' cancels only, never another worker's or account's": {
    covers: ['Subscription.cancelledTasks'],
    async run(context) {
      const byApiKey = await subscribeSse(context.gateway.url, context.stranger.apiKey, CANCELLED_TASKS);
      try {
        expect((await byApiKey.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_API_KEY' });
      } finally {
        await byApiKey.close();
      }
      const listener = await givenWorker();
      const stream = await subscribeSse<{ cancelledTasks: { task: { id: string } } }>(context.gateway.url, listener.workerKey, CANCELLED_TASKS);
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        // The victim's task, held by the victim's worker, cancelled first: in log order it would come before the listener's own.
        const victim = clientOf(context.gateway, context.victim.apiKey);
        const victimTask = (await victim.submit({ model: 'image-fast', input: { secret: context.victim.secret } })).id;
        expect((await workerOf(context.gateway, context.victim.workerKey).claim(['image-fast']))?.id).toBe(victimTask);
        await victim.cancel({ taskId: victimTask });
        const other = await givenAccount(100);
        const ownTask = (await clientOf(context.gateway, other.apiKey).submit({ model: 'image-fast' })).id;
        expect((await workerOf(context.gateway, listener.workerKey).claim(['image-fast']))?.id).toBe(ownTask);
        await clientOf(context.gateway, other.apiKey).cancel({ taskId: ownTask });
        const first = await stream.next();
        expectNothingOf(context.victim, first);
        expect(first?.data?.cancelledTasks.task.id).toBe(ownTask);
      } finally {
        await stream.close();
      }
    },
  },
};
