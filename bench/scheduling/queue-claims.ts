import type { BenchGateway } from '../gateway.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import type { BenchContext } from '../scenario.ts';
import { seedQueue } from '../seed-tasks.ts';
import { measureThroughput } from '../throughput.ts';
import { claimTask, untilQueueEmpty } from '../worker-cycle.ts';

const COMPLETE = `mutation Complete($taskId: ID!, $attempt: Int) {
  completeTask(taskId: $taskId, attempt: $attempt) { __typename ... on Error { code message } }
}`;
const LEASE_SECONDS = 30;

/** The queue a run claims from: `accounts` accounts with `perAccount` pending tasks each of `model`, in fair order. */
export interface Queue {
  model: string;
  accounts: number;
  perAccount: number;
}

export function queueLabel(queue: Queue): string {
  return `${(queue.accounts * queue.perAccount).toLocaleString('en')} pending over ${queue.accounts.toLocaleString('en')} accounts`;
}

export async function seedBenchQueue(context: BenchContext, queue: Queue): Promise<void> {
  const accounts = [];
  for (let n = 0; n < queue.accounts; n++) accounts.push((await context.newAccount(1_000_000)).accountId);
  context.log(`scheduling: seeding ${queueLabel(queue)}`);
  await seedQueue(context.databaseUrl, accounts, queue.model, queue.perAccount);
}

/**
 * `workers` workers claiming from the queue and completing each task at once
 * (so no account reaches its cap of running tasks), as fast as they can. A
 * request here is one claim and its complete.
 */
export async function measureQueueClaims(context: BenchContext, gateway: BenchGateway, queue: Queue, workers: number): Promise<Measured> {
  const keys = await Promise.all(Array.from({ length: workers }, () => context.newWorker()));
  const clients = keys.map((key) => new GraphQLHttpClient(gateway.url, key.workerKey, 1));
  try {
    return await measureThroughput({ server: gateway, runBy: 'gateway', postgresCpu: context.postgresCpu }, `claim → complete, ${queueLabel(queue)}`, {
      concurrency: workers,
      durationMs: context.settings.durationMs,
      next: untilQueueEmpty(clients, async (client) => {
        const lease = await claimTask(client, queue.model, LEASE_SECONDS);
        const done = await client.request<{ completeTask: { __typename: string } }>(COMPLETE, { ...lease });
        if (done.data?.completeTask.__typename !== 'Task') throw new Error(`completeTask: ${JSON.stringify(done)}`);
      }),
    });
  } finally {
    for (const client of clients) client.close();
  }
}
