import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import type { GraphQLResponse } from '../helpers/graphql-http.ts';
import { putTaskInState } from '../helpers/rows.ts';

const gateway = useTestGateway();

interface Page {
  tasks: {
    __typename: string;
    edges: { cursor: string; node: { id: string; model: string; state: string; runner: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null; startCursor: string | null };
  };
}

const TASKS = `
  query Tasks($first: Int, $after: String, $last: Int, $before: String, $filter: TaskFilter) {
    tasks(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      __typename
      ... on TaskConnection {
        edges { cursor node { id model state runner } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;

async function givenTasks(count: number) {
  const account = await givenAccount(10_000);
  const client = clientOf(gateway, account.apiKey);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await client.submit({ model: i % 2 ? 'upscale' : 'image-fast', input: { i } })).id);
  return { account, client, ids };
}

describe('tasks', () => {
  it('pages through the caller\'s tasks newest first, forward and back, with no gap or repeat', async () => {
    const { account, ids } = await givenTasks(7);
    const newestFirst = [...ids].reverse();

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse<Page> = await gateway.gql<Page>(TASKS, { first: 3, after }, account.apiKey);
      const page = res.data?.tasks;
      if (!page) throw new Error(JSON.stringify(res.errors));
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst);

    const last = await gateway.gql<Page>(TASKS, { last: 2 }, account.apiKey);
    expect(last.data?.tasks.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(-2));
    const before = await gateway.gql<Page>(TASKS, { last: 2, before: last.data?.tasks.pageInfo.startCursor }, account.apiKey);
    expect(before.data?.tasks.edges.map((edge) => edge.node.id)).toEqual(newestFirst.slice(-4, -2));
  });

  it('filters by state, model and runner together', async () => {
    const { account, client, ids } = await givenTasks(4);
    await client.cancel({ taskId: ids[0] ?? '' });
    await putTaskInState(ids[2] ?? '', 'RUNNING', 0.2);
    const local = await client.submit({ model: 'image-fast', runner: 'LOCAL' });

    const byState = await gateway.gql<Page>(TASKS, { first: 10, filter: { states: ['CANCELLED', 'RUNNING'] } }, account.apiKey);
    expect(byState.data?.tasks.edges.map((edge) => edge.node.id)).toEqual([ids[2], ids[0]]);

    const byModel = await gateway.gql<Page>(TASKS, { first: 10, filter: { models: ['upscale'] } }, account.apiKey);
    expect(byModel.data?.tasks.edges.map((edge) => edge.node.id)).toEqual([ids[3], ids[1]]);

    const combined = await gateway.gql<Page>(
      TASKS,
      { first: 10, filter: { models: ['image-fast'], runners: ['LOCAL'], states: ['PENDING'] } },
      account.apiKey,
    );
    expect(combined.data?.tasks.edges.map((edge) => edge.node.id)).toEqual([local.id]);
  });

  it('answers InvalidApiKeyError without a client key', async () => {
    const res = await gateway.gql<Page>(TASKS, { first: 1 });
    expect(res.data?.tasks.__typename).toBe('InvalidApiKeyError');
  });
});

describe('task', () => {
  it('returns the task by id and by outTaskId with the same shape as submitTask', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const submitted = await client.submit({ model: 'image-fast', outTaskId: 'mine', input: { x: [1, { y: null }] } });
    expect(await client.task({ id: submitted.id })).toEqual(submitted);
    expect(await client.task({ outTaskId: 'mine' })).toEqual(submitted);
  });

  it('lists the events of a task oldest first', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const task = await client.submit({ model: 'image-fast' });
    await client.cancel({ taskId: task.id });
    const res = await gateway.gql<{ task: { events: { edges: { node: { type: string; state: string; cursor: string; task: { id: string } } }[] } } }>(
      'query($id: ID) { task(id: $id) { ... on Task { events { edges { node { type state cursor task { id } } } } } } }',
      { id: task.id },
      account.apiKey,
    );
    const events = res.data?.task.events.edges.map((edge) => edge.node) ?? [];
    expect(events.map((event) => [event.type, event.state])).toEqual([['SUBMITTED', 'PENDING'], ['CANCELLED', 'CANCELLED']]);
    expect(events.every((event) => event.task.id === task.id && event.cursor.length > 0)).toBe(true);
  });
});

describe('account and models', () => {
  it('shows the balance and the ledger newest first, each entry with its balance after', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const task = await client.submit({ model: 'image-fast' });
    await client.cancel({ taskId: task.id });
    const res = await gateway.gql<{ account: { balance: number; name: string; ledger: { edges: { node: { kind: string; amount: number; balanceAfter: number } }[] } } }>(
      '{ account { ... on Account { balance name ledger(first: 10) { edges { node { kind amount balanceAfter } } } } } }',
      {},
      account.apiKey,
    );
    expect(res.data?.account.balance).toBe(100);
    expect(res.data?.account.ledger.edges.map((edge) => edge.node)).toEqual([
      { kind: 'REFUND', amount: 4, balanceAfter: 100 },
      { kind: 'HOLD', amount: -4, balanceAfter: 96 },
      { kind: 'GRANT', amount: 100, balanceAfter: 100 },
    ]);
  });

  it('lists the seeded catalog with its cancel policy', async () => {
    const res = await gateway.gql('{ models { name price pendingCancel refundCutoff } }');
    expect(res.data).toEqual({
      models: [
        { name: 'agent-run', price: 25, pendingCancel: 'CONFLICT', refundCutoff: 0.25 },
        { name: 'image-fast', price: 4, pendingCancel: 'FREE', refundCutoff: 0.9 },
        { name: 'upscale', price: 2, pendingCancel: 'FREE', refundCutoff: 0 },
        { name: 'video-hd', price: 120, pendingCancel: 'FREE', refundCutoff: 0.5 },
      ],
    });
  });
});

describe('task(id) reads the columns its selection reads', () => {
  /** Every field of Task, each object field by its type name: what the full row would answer. */
  const EVERY_FIELD = `
    id outTaskId model runner state progress input output error creditsUsed attempts createdAt startedAt finishedAt
    cancelledAt updatedAt metadata tags cancelReason priority startDeadline maxRunSeconds runDeadline claimableAt
    cancelledBy { kind id } cancelPreview { outcome refund charge } ledgerEntries { kind amount }
    events { edges { node { type } } }`;

  /** The task as `node(id)` reads it: the whole row. */
  const wholeTask = async (apiKey: string, id: unknown) => (await gateway.gql<{ node: Record<string, unknown> }>(`query ($id: ID!) { node(id: $id) { ... on Task { ${EVERY_FIELD} } } }`, { id }, apiKey)).data?.node;

  it('answers every field as the whole row does, by field, alias, fragment and skipped field', async () => {
    const { apiKey } = await givenAccount(10_000);
    const client = clientOf(gateway, apiKey);
    const submitted = await gateway.gql<{ submitTask: { id: string } }>(
      `mutation ($input: SubmitTaskInput!) { submitTask(input: $input) { ... on Task { id } } }`,
      { input: { model: 'video-hd', outTaskId: 'columns-1', input: { a: [1, 2] }, metadata: { k: 'v' }, tags: ['b', 'a'], priority: 7, startWithinSeconds: 600, maxRunSeconds: 60 } },
      apiKey,
    );
    const id = submitted.data?.submitTask.id ?? '';
    await gateway.gql(`mutation ($id: ID) { cancelTask(taskId: $id, reason: "not needed") { __typename } }`, { id }, apiKey);
    const whole = await wholeTask(apiKey, id);
    expect(whole).toMatchObject({ state: 'CANCELLED', cancelReason: 'not needed', cancelledBy: { kind: 'API_KEY' }, tags: ['a', 'b'] });

    const byField = await gateway.gql<{ task: Record<string, unknown> }>(`query ($id: ID) { task(id: $id) { ... on Task { ${EVERY_FIELD} } } }`, { id }, apiKey);
    expect(byField.data?.task).toEqual(whole);
    const byFragment = await gateway.gql<{ task: Record<string, unknown> }>(
      `query ($id: ID, $skip: Boolean!) { task(id: $id) { ...Shown ... on Node { id } } }
       fragment Shown on Task { state when: cancelledAt cancelledBy { kind } priority @skip(if: $skip) }`,
      { id, skip: true },
      apiKey,
    );
    expect(byFragment.data?.task).toEqual({ id, state: 'CANCELLED', when: whole?.cancelledAt, cancelledBy: { kind: 'API_KEY' } });
    expect((await client.task({ outTaskId: 'columns-1' })).id).toBe(id);
  });

  it('answers every field of a new task from submitTask as the whole row does', async () => {
    const { apiKey } = await givenAccount(10_000);
    const input = { model: 'video-hd', outTaskId: 'columns-2', input: { a: [1, 2] }, metadata: { k: 'v' }, tags: ['b', 'a'], priority: 7, startWithinSeconds: 600, maxRunSeconds: 60 };
    const submitted = await gateway.gql<{ submitTask: Record<string, unknown> }>(
      `mutation ($input: SubmitTaskInput!) { submitTask(input: $input) { ... on Task { ${EVERY_FIELD} } } }`,
      { input },
      apiKey,
    );
    const id = submitted.data?.submitTask.id;
    const whole = await wholeTask(apiKey, id);
    expect(whole).toMatchObject({ state: 'PENDING', input: { a: [1, 2] }, metadata: { k: 'v' }, priority: 7 });
    expect(submitted.data?.submitTask).toEqual(whole);
  });

  it('answers every field of a task cancelTask changed as the whole row does', async () => {
    const { apiKey } = await givenAccount(10_000);
    const submitted = await gateway.gql<{ submitTask: { id: string } }>(
      'mutation { submitTask(input: { model: "video-hd", input: { a: 1 }, tags: ["x"] }) { ... on Task { id } } }',
      {},
      apiKey,
    );
    const id = submitted.data?.submitTask.id;
    const cancelled = await gateway.gql<{ cancelTask: Record<string, unknown> }>(
      `mutation ($id: ID) { cancelTask(taskId: $id, reason: "changed") { ... on Task { ${EVERY_FIELD} } } }`,
      { id },
      apiKey,
    );
    const whole = await wholeTask(apiKey, id);
    expect(whole).toMatchObject({ state: 'CANCELLED', cancelReason: 'changed', input: { a: 1 }, tags: ['x'] });
    expect(cancelled.data?.cancelTask).toEqual(whole);
  });

  // agent-run: no other test of this file queues one, so the claim takes this test's own task.
  it('answers every field of a task a worker claimed, moved on and ended as the whole row does', async () => {
    const { apiKey } = await givenAccount(10_000);
    const { workerKey } = await givenWorker();
    const asWorker = async (field: string, mutation: string, variables: Record<string, unknown>) => {
      const res = await gateway.gql<Record<string, Record<string, unknown>>>(`mutation ${mutation} { ${field} { ... on Task { ${EVERY_FIELD} } } }`, variables, workerKey);
      // The answer is keyed by the field's name, without its arguments.
      return res.data?.[field.slice(0, field.indexOf('('))];
    };
    const submit = async (outTaskId: string) =>
      (
        await gateway.gql<{ submitTask: { id: string } }>(
          'mutation ($input: SubmitTaskInput!) { submitTask(input: $input) { ... on Task { id } } }',
          { input: { model: 'agent-run', outTaskId, input: { a: 1 }, metadata: { k: 'v' }, tags: ['t'], priority: 3 } },
          apiKey,
        )
      ).data?.submitTask.id;
    const claim = (expected: unknown) => asWorker('claimTask(models: ["agent-run"])', '', {}).then((task) => {
      expect(task?.id).toBe(expected);
      return task;
    });
    const ended = await submit('columns-3');
    const claimed = await claim(ended);
    expect(claimed).toEqual(await wholeTask(apiKey, ended));
    const progressed = await asWorker('reportProgress(taskId: $id, progress: 0.5, attempt: 1)', '($id: ID!)', { id: ended });
    expect(progressed).toMatchObject({ progress: 0.5 });
    expect(progressed).toEqual(await wholeTask(apiKey, ended));
    const completed = await asWorker('completeTask(taskId: $id, output: { done: true }, attempt: 1)', '($id: ID!)', { id: ended });
    expect(completed).toMatchObject({ state: 'COMPLETED', output: { done: true } });
    expect(completed).toEqual(await wholeTask(apiKey, ended));

    const failing = await submit('columns-4');
    await claim(failing);
    const failed = await asWorker('failTask(taskId: $id, error: "no GPU", attempt: 1)', '($id: ID!)', { id: failing });
    expect(failed).toMatchObject({ state: 'FAILED', error: 'no GPU' });
    expect(failed).toEqual(await wholeTask(apiKey, failing));
  });
});
