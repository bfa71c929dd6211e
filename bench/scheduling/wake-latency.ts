import type { BenchGateway } from '../gateway.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import { type Summary, summarize } from '../percentiles.ts';
import type { BenchContext } from '../scenario.ts';

const CLAIM = `mutation Claim($models: [String!], $wait: Int!) {
  claimTask(models: $models, waitSeconds: $wait) { __typename ... on Task { id attempts } ... on Error { code message } }
}`;
const COMPLETE = `mutation Complete($taskId: ID!, $attempt: Int) {
  completeTask(taskId: $taskId, attempt: $attempt) { __typename ... on Error { code message } }
}`;
const SUBMIT = `mutation Submit($model: String!) { submitTask(input: { model: $model }) { __typename ... on Task { id } ... on Error { code message } } }`;

/** How idle workers ask for work: a claim that waits at the gateway, or the claim-then-sleep loop of a polling worker. */
export type ClaimMode = { kind: 'long-poll'; waitSeconds: number } | { kind: 'poll'; everyMs: number };

interface Claimed {
  __typename: string;
  id?: string;
  attempts?: number;
}

export interface WakeLatency {
  latency: Summary;
  /** Claim requests the idle workers sent, per second of the run. */
  claimsPerSecond: number;
  /** Submits no worker had claimed when the run ended. */
  unclaimed: number;
}

/**
 * `workers` idle workers of `model`; one submit every `spacingMs`, one after
 * the other, `count` of them. A task's latency runs from its submit being
 * sent to a worker's claim of it being answered.
 */
export async function measureWakeLatency(
  context: BenchContext,
  gateway: BenchGateway,
  options: { model: string; workers: number; count: number; spacingMs: number; mode: ClaimMode },
): Promise<WakeLatency> {
  const { apiKey } = await context.newAccount(1_000_000);
  const keys = await Promise.all(Array.from({ length: options.workers }, () => context.newWorker()));
  const submitter = new GraphQLHttpClient(gateway.url, apiKey, 1);
  const workers = keys.map((key) => new GraphQLHttpClient(gateway.url, key.workerKey, 1));
  const sentAt = new Map<string, number>();
  const claimedAt = new Map<string, number>();
  let claimRequests = 0;
  let running = true;
  const started = performance.now();

  const work = async (client: GraphQLHttpClient, index: number): Promise<void> => {
    // Polling workers spread over the interval, as independent workers would be.
    if (options.mode.kind === 'poll') await sleep((options.mode.everyMs * index) / options.workers);
    while (running) {
      const wait = options.mode.kind === 'long-poll' ? options.mode.waitSeconds : 0;
      claimRequests += 1;
      const reply = await client.request<{ claimTask: Claimed | null }>(CLAIM, { models: [options.model], wait });
      const claimed = reply.data?.claimTask;
      if (claimed?.id) {
        claimedAt.set(claimed.id, performance.now());
        await client.request(COMPLETE, { taskId: claimed.id, attempt: claimed.attempts });
      } else if (claimed) {
        throw new Error(`claimTask: ${JSON.stringify(claimed)}`);
      } else if (options.mode.kind === 'poll') {
        await sleep(options.mode.everyMs);
      }
    }
  };
  const working = workers.map((client, index) => work(client, index));
  try {
    // Let every worker reach its first wait before the first submit.
    await sleep(500);
    for (let n = 0; n < options.count; n++) {
      const sent = performance.now();
      const reply = await submitter.request<{ submitTask: { id?: string } }>(SUBMIT, { model: options.model });
      const id = reply.data?.submitTask.id;
      if (!id) throw new Error(`submitTask: ${JSON.stringify(reply)}`);
      sentAt.set(id, sent);
      await sleep(options.spacingMs);
    }
    const settle = performance.now() + 3_000;
    while (claimedAt.size < sentAt.size && performance.now() < settle) await sleep(20);
  } finally {
    running = false;
    // Closing a worker's connection ends a claim waiting at the gateway; a polling one stops at its next sleep.
    submitter.close();
    for (const client of workers) client.close();
    await Promise.allSettled(working);
  }
  const elapsedS = (performance.now() - started) / 1000;
  const latencies = [...sentAt].flatMap(([id, sent]) => {
    const claimed = claimedAt.get(id);
    return claimed === undefined ? [] : [claimed - sent];
  });
  return { latency: summarize(latencies), claimsPerSecond: claimRequests / elapsedS, unclaimed: sentAt.size - latencies.length };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
