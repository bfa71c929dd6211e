import type { GraphQLHttpClient } from './graphql-http.ts';

/** The worker fields as the load generator sends them, selecting little so the gateway's own work dominates. */
const CLAIM = `mutation Claim($models: [String!], $leaseSeconds: Int!) {
  claimTask(models: $models, leaseSeconds: $leaseSeconds) { __typename ... on Task { id attempts } ... on Error { code message } }
}`;
const PROGRESS = `mutation Progress($taskId: ID!, $attempt: Int, $progress: Float!) {
  reportProgress(taskId: $taskId, attempt: $attempt, progress: $progress) { __typename ... on Task { state } ... on Error { code message } }
}`;
const COMPLETE = `mutation Complete($taskId: ID!, $attempt: Int, $output: JSON) {
  completeTask(taskId: $taskId, attempt: $attempt, output: $output) { __typename ... on Task { state } ... on Error { code message } }
}`;

interface Answer {
  __typename: string;
  id?: string;
  attempts?: number;
  state?: string;
}

async function call(client: GraphQLHttpClient, field: string, query: string, variables: Record<string, unknown>): Promise<Answer | null> {
  const reply = await client.request<Record<string, Answer | null>>(query, variables);
  const answer = reply.data?.[field];
  if (answer === null) return null;
  if (answer?.__typename !== 'Task') throw new Error(`${field}: ${JSON.stringify(answer ?? reply.errors ?? reply.status)}`);
  return answer;
}

/** claimTask answered null: the queue is empty. */
export class NothingPending extends Error {
  override name = 'NothingPending';
}

/** A claimed task, and the attempt that fences the worker's later calls on it. */
export interface Lease {
  taskId: string;
  attempt: number | undefined;
}

/** Claims the oldest pending task of `model`; NothingPending when there is none. */
export async function claimTask(client: GraphQLHttpClient, model: string, leaseSeconds: number): Promise<Lease> {
  const claimed = await call(client, 'claimTask', CLAIM, { models: [model], leaseSeconds });
  if (claimed?.id === undefined) throw new NothingPending('claimTask: no pending task left');
  return { taskId: claimed.id, attempt: claimed.attempts };
}

export async function reportProgress(client: GraphQLHttpClient, lease: Lease, progress: number): Promise<void> {
  await call(client, 'reportProgress', PROGRESS, { ...lease, progress });
}

/** One task through a worker's hands: claim, progress 0.5, complete, each call fenced by the claim's attempt. */
export async function workCycle(client: GraphQLHttpClient, model: string, leaseSeconds: number): Promise<void> {
  const lease = await claimTask(client, model, leaseSeconds);
  await reportProgress(client, lease, 0.5);
  const done = await call(client, 'completeTask', COMPLETE, { ...lease, output: { result: 'bench' } });
  if (done?.state !== 'COMPLETED') throw new Error(`completeTask left ${String(done?.state)}`);
}

/**
 * A closed loop's requests for workers, one kept-alive client each, each
 * request `work` on its worker's client, until the queue runs dry: the first
 * NothingPending ends every worker's loop.
 */
export function untilQueueEmpty(clients: GraphQLHttpClient[], work: (client: GraphQLHttpClient) => Promise<void>): (worker: number) => (() => Promise<void>) | undefined {
  let exhausted = false;
  return (worker) => {
    const client = clients[worker];
    if (!client || exhausted) return undefined;
    return async () => {
      try {
        await work(client);
      } catch (error) {
        if (error instanceof NothingPending) exhausted = true;
        throw error;
      }
    };
  };
}
