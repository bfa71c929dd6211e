import { encodeGlobalID } from '@pothos/plugin-relay';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { workerOf } from '../helpers/worker.ts';

/** Who may call a root field. */
export type Audience = 'client' | 'worker' | 'anyone';

/** Keys of both kinds and tasks to aim at: one pending, one a worker holds. */
export interface KeyWorld {
  accountId: string;
  apiKey: string;
  workerKey: string;
  pendingTask: string;
  runningTask: string;
}

export interface RootCall {
  audience: Audience;
  query: string;
  variables(world: KeyWorld): Record<string, unknown>;
}

const ERRORS = '__typename ... on Error { code }';
const NEVER_ISSUED_ENDPOINT = encodeGlobalID('WebhookEndpoint', '0190a0a0-0000-7000-8000-00000000dead');

/**
 * One call of each root field, as its audience makes it. The list is
 * checked against the schema: a new root field fails the suite until it is
 * added here, and so gets the key-kind checks.
 */
export const ROOT_CALLS: Record<string, RootCall> = {
  'Query.account': { audience: 'client', query: `{ account { ${ERRORS} } }`, variables: () => ({}) },
  'Query.models': { audience: 'anyone', query: '{ models { name } }', variables: () => ({}) },
  'Query.node': { audience: 'client', query: 'query($id: ID!) { node(id: $id) { __typename id } }', variables: (world) => ({ id: world.pendingTask }) },
  'Query.task': { audience: 'client', query: `query($id: ID) { task(id: $id) { ${ERRORS} } }`, variables: (world) => ({ id: world.pendingTask }) },
  'Query.tasks': { audience: 'client', query: `{ tasks(first: 5) { ${ERRORS} } }`, variables: () => ({}) },
  'Mutation.submitTask': {
    audience: 'client',
    query: `mutation { submitTask(input: { model: "upscale", input: { by: "key-kinds" } }) { ${ERRORS} } }`,
    variables: () => ({}),
  },
  'Mutation.cancelTask': {
    audience: 'client',
    query: `mutation($id: ID) { cancelTask(taskId: $id) { ${ERRORS} } }`,
    variables: (world) => ({ id: world.pendingTask }),
  },
  'Mutation.claimTask': { audience: 'worker', query: `mutation { claimTask(models: ["video-hd"]) { ${ERRORS} } }`, variables: () => ({}) },
  'Mutation.reportProgress': {
    audience: 'worker',
    query: `mutation($id: ID!) { reportProgress(taskId: $id, progress: 0.5) { ${ERRORS} } }`,
    variables: (world) => ({ id: world.runningTask }),
  },
  'Mutation.completeTask': {
    audience: 'worker',
    query: `mutation($id: ID!) { completeTask(taskId: $id) { ${ERRORS} } }`,
    variables: (world) => ({ id: world.runningTask }),
  },
  'Mutation.failTask': {
    audience: 'worker',
    query: `mutation($id: ID!) { failTask(taskId: $id, error: "x") { ${ERRORS} } }`,
    variables: (world) => ({ id: world.runningTask }),
  },
  'Mutation.createWebhookEndpoint': {
    audience: 'client',
    query: `mutation { createWebhookEndpoint(input: { url: "https://93.184.215.14/hooks" }) { ${ERRORS} } }`,
    variables: () => ({}),
  },
  ...Object.fromEntries(
    (
      [
        ['updateWebhookEndpoint', 'id: $id, input: { description: "key-kinds" }'],
        ['rotateWebhookEndpointSecret', 'id: $id'],
        ['replayWebhookEndpoint', 'id: $id'],
        ['redeliverWebhookEvent', 'endpointId: $id, cursor: "x"'],
        ['deleteWebhookEndpoint', 'id: $id'],
      ] as const
    ).map(([field, args]): [string, RootCall] => [
      `Mutation.${field}`,
      // An endpoint never issued: each key kind's answer shows whether the field let it in.
      { audience: 'client', query: `mutation($id: ID!) { ${field}(${args}) { ${ERRORS} } }`, variables: () => ({ id: NEVER_ISSUED_ENDPOINT }) },
    ]),
  ),
  'Mutation.createBudget': {
    audience: 'client',
    query: `mutation { createBudget(input: { scope: ACCOUNT, period: TOTAL, limit: 1000000 }) { ${ERRORS} } }`,
    variables: () => ({}),
  },
  'Mutation.updateBudget': {
    audience: 'client',
    query: `mutation($id: ID!) { updateBudget(id: $id, input: { name: "key-kinds" }) { ${ERRORS} } }`,
    variables: () => ({ id: encodeGlobalID('Budget', '0190a0a0-0000-7000-8000-00000000dead') }),
  },
  'Mutation.deleteBudget': {
    audience: 'client',
    query: `mutation($id: ID!) { deleteBudget(id: $id) { ${ERRORS} } }`,
    variables: () => ({ id: encodeGlobalID('Budget', '0190a0a0-0000-7000-8000-00000000dead') }),
  },
  'Mutation.cancelTasks': {
    audience: 'client',
    // A filter matching none of the world's tasks: the call is served, and changes nothing.
    query: `mutation { cancelTasks(input: { filter: { tags: ["key-kinds-none"] }, clientKey: "key-kinds" }) { ${ERRORS} } }`,
    variables: () => ({}),
  },
  'Query.previewCancelTasks': { audience: 'client', query: `{ previewCancelTasks(filter: {}) { ${ERRORS} } }`, variables: () => ({}) },
  'Subscription.taskUpdated': {
    audience: 'client',
    query: 'subscription($id: ID) { taskUpdated(taskId: $id) { id state } }',
    variables: (world) => ({ id: world.pendingTask }),
  },
  'Subscription.taskEvents': { audience: 'client', query: 'subscription { taskEvents { cursor } }', variables: () => ({}) },
  'Subscription.cancelledTasks': { audience: 'worker', query: 'subscription { cancelledTasks { task { id } } }', variables: () => ({}) },
};

/**
 * An account with a pending video-hd task and a running image-fast task held
 * by a new worker; other tests of the file leave no image-fast task pending.
 */
export async function givenKeyWorld(gateway: TestGateway): Promise<KeyWorld> {
  const account = await givenAccount(1_000);
  const { workerKey } = await givenWorker();
  const client = clientOf(gateway, account.apiKey);
  const pendingTask = (await client.submit({ model: 'video-hd' })).id;
  const runningTask = (await client.submit({ model: 'image-fast' })).id;
  const claimed = await workerOf(gateway, workerKey).claim(['image-fast'], 3_600);
  if (claimed?.id !== runningTask) throw new Error(`claimed ${JSON.stringify(claimed)} instead of ${runningTask}`);
  return { accountId: account.accountId, apiKey: account.apiKey, workerKey, pendingTask, runningTask };
}
