import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/domain/json.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse } from '../helpers/subscriptions.ts';
import { taskCount } from '../helpers/rows.ts';
import { workerOf } from '../helpers/worker.ts';

const gateway = useTestGateway();

/** Values PostgreSQL refuses in text or jsonb; found by the fuzz suite as 500s. */
const NUL = 'a\u0000b';
const LONE_SURROGATE = '\ud800';

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

/** A POST whose body is written by hand: JSON.stringify itself overflows on very deep values. */
async function postRaw(query: string, variablesJson: string, key: string) {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${key}` },
    body: `{"query": ${JSON.stringify(query)}, "variables": ${variablesJson}}`,
  });
  return { status: response.status, body: (await response.json()) as { errors?: { message: string }[] } };
}

const SUBMIT = 'mutation($input: SubmitTaskInput!) { submitTask(input: $input) { __typename ... on InvalidParamError { param } } }';
const COMPLETE = 'mutation($id: ID!, $output: JSON) { completeTask(taskId: $id, output: $output) { __typename } }';

describe('JSON PostgreSQL cannot store is refused as bad input (400), before the database sees it', () => {
  it.each([
    ['a NUL character in a string', { prompt: NUL }],
    ['a NUL character in a key', { [NUL]: 1 }],
    ['an unpaired surrogate', [LONE_SURROGATE]],
    [`nesting deeper than ${MAX_JSON_DEPTH} levels`, nested(MAX_JSON_DEPTH + 1)],
  ])('task input with %s', async (_kind, input) => {
    const { apiKey, accountId } = await givenAccount(10);
    const res = await gateway.gql(SUBMIT, { input: { model: 'upscale', input } }, apiKey);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/"\$input".*JSON cannot hold/);
    expect(await taskCount(accountId)).toBe(0);
  });

  it('task input nested 300,000 levels deep, too deep for JSON.stringify', async () => {
    const { apiKey } = await givenAccount(10);
    const deep = `${'['.repeat(300_000)}${']'.repeat(300_000)}`;
    const res = await postRaw(SUBMIT, `{"input": {"model": "upscale", "input": ${deep}}}`, apiKey);
    expect(res.status).toBe(400);
    expect(res.body.errors?.[0]?.message).toMatch(/nesting deeper than/);
  });

  it('task input at the depth limit is kept', async () => {
    const { apiKey } = await givenAccount(10);
    const res = await gateway.gql(SUBMIT, { input: { model: 'upscale', input: nested(MAX_JSON_DEPTH - 1) } }, apiKey);
    expect(res.data).toEqual({ submitTask: { __typename: 'Task' } });
  });

  it('task output with a NUL character', async () => {
    const { apiKey } = await givenAccount(10);
    const task = await clientOf(gateway, apiKey).submit({ model: 'image-fast' });
    const worker = (await givenWorker()).workerKey;
    await workerOf(gateway, worker).claim(['image-fast'], 600);
    const res = await gateway.gql(COMPLETE, { id: task.id, output: { text: NUL } }, worker);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/"\$output".*JSON cannot hold/);
    expect(await clientOf(gateway, apiKey).task({ id: task.id })).toMatchObject({ state: 'RUNNING' });
  });
});

describe.each([
  ['a NUL character', NUL],
  ['an unpaired surrogate', `key-${LONE_SURROGATE}`],
])('an outTaskId with %s is InvalidParamError naming it, wherever a task is named by one', (_kind, outTaskId) => {
  it('submitTask, task, cancelTask', async () => {
    const { apiKey, accountId } = await givenAccount(10);
    const client = clientOf(gateway, apiKey);
    const submitted = await gateway.gql<{ submitTask: unknown }>(SUBMIT, { input: { model: 'upscale', outTaskId } }, apiKey);
    expect(submitted.data?.submitTask).toEqual({ __typename: 'InvalidParamError', param: 'input.outTaskId' });
    expect(await taskCount(accountId)).toBe(0);
    expect(await client.task({ outTaskId })).toMatchObject({ __typename: 'InvalidParamError', param: 'outTaskId' });
    expect(await client.cancel({ outTaskId })).toMatchObject({ __typename: 'InvalidParamError', param: 'outTaskId' });
  });

  it('taskUpdated', async () => {
    const { apiKey } = await givenAccount(10);
    const stream = await subscribeSse(gateway.url, apiKey, 'subscription($k: String) { taskUpdated(outTaskId: $k) { id } }', { k: outTaskId });
    try {
      expect((await stream.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PARAM', param: 'outTaskId' });
    } finally {
      await stream.close();
    }
  });
});

it('two outTaskIds that differ only in their unpaired surrogates are not merged into one task', async () => {
  const { apiKey } = await givenAccount(10);
  const submit = (outTaskId: string) => gateway.gql<{ submitTask: { __typename: string } }>(SUBMIT, { input: { model: 'upscale', outTaskId } }, apiKey);
  expect((await submit('k\ud800')).data?.submitTask.__typename).toBe('InvalidParamError');
  expect((await submit('k\udfff')).data?.submitTask.__typename).toBe('InvalidParamError');
  expect((await submit('k\ud83d\ude00')).data?.submitTask.__typename).toBe('Task');
});

describe('a NUL character in any other text argument is InvalidParamError naming it', () => {
  it('submitTask model', async () => {
    const { apiKey } = await givenAccount(10);
    const res = await gateway.gql<{ submitTask: unknown }>(SUBMIT, { input: { model: NUL } }, apiKey);
    expect(res.data?.submitTask).toEqual({ __typename: 'InvalidParamError', param: 'input.model' });
  });

  it('claimTask models', async () => {
    const { workerKey } = await givenWorker();
    const res = await gateway.gql('mutation($m: [String!]) { claimTask(models: $m) { __typename ... on InvalidParamError { param } } }', { m: [NUL] }, workerKey);
    expect(res.data).toEqual({ claimTask: { __typename: 'InvalidParamError', param: 'models.0' } });
  });

  it('tasks filter', async () => {
    const { apiKey } = await givenAccount(10);
    const res = await gateway.gql('query($m: [String!]) { tasks(filter: { models: $m }) { __typename ... on InvalidParamError { param } } }', { m: ['upscale', NUL] }, apiKey);
    expect(res.data).toEqual({ tasks: { __typename: 'InvalidParamError', param: 'filter.models.1' } });
  });

  it('failTask error', async () => {
    const { apiKey } = await givenAccount(10);
    const task = await clientOf(gateway, apiKey).submit({ model: 'image-fast' });
    const { workerKey } = await givenWorker();
    await workerOf(gateway, workerKey).claim(['image-fast'], 600);
    const res = await gateway.gql('mutation($id: ID!, $e: String!) { failTask(taskId: $id, error: $e) { __typename ... on InvalidParamError { param } } }', { id: task.id, e: NUL }, workerKey);
    expect(res.data).toEqual({ failTask: { __typename: 'InvalidParamError', param: 'error' } });
  });
});
