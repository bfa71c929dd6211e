import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { submitTask } from '../../src/services/submit-task.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { balanceOf, entriesOf, eventTypesOf, taskCount } from '../helpers/rows.ts';

const gateway = useTestGateway();

describe('submitTask', () => {
  it('creates a PENDING task, holds the price and records SUBMITTED in one go', async () => {
    const account = await givenAccount(100);
    const task = await clientOf(gateway, account.apiKey).submit({ model: 'image-fast', input: { prompt: 'a cat' } });

    expect(task).toMatchObject({
      __typename: 'Task',
      model: 'image-fast',
      runner: 'CLOUD',
      state: 'PENDING',
      progress: 0,
      input: { prompt: 'a cat' },
      creditsUsed: null,
      attempts: 0,
      ledgerEntries: [{ kind: 'HOLD', amount: -4, balanceAfter: 96 }],
    });
    expect(await balanceOf(account.accountId)).toBe(96);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED']);
  });

  it('refuses an unknown model with InvalidParamError and changes nothing', async () => {
    const account = await givenAccount(100);
    const result = await clientOf(gateway, account.apiKey).submit({ model: 'no-such-model' });

    expect(result).toMatchObject({ __typename: 'InvalidParamError', code: 'INVALID_PARAM', status: 400, param: 'input.model' });
    expect(await taskCount(account.accountId)).toBe(0);
    expect(await balanceOf(account.accountId)).toBe(100);
  });

  it('refuses a price above the balance with InsufficientCreditsError and creates no task', async () => {
    const account = await givenAccount(100);
    const result = await clientOf(gateway, account.apiKey).submit({ model: 'video-hd' });

    expect(result).toMatchObject({
      __typename: 'InsufficientCreditsError',
      code: 'INSUFFICIENT_CREDITS',
      status: 402,
      retryable: false,
      required: 120,
      available: 100,
    });
    expect(await taskCount(account.accountId)).toBe(0);
    expect(await balanceOf(account.accountId)).toBe(100);
  });

  it('takes the runner given, CLOUD by default', async () => {
    const account = await givenAccount(100);
    const task = await clientOf(gateway, account.apiKey).submit({ model: 'upscale', runner: 'GITHUB_ACTIONS' });
    expect(task).toMatchObject({ __typename: 'Task', runner: 'GITHUB_ACTIONS' });
  });

  it('refuses input JSON over 1 MiB with InvalidParamError naming it', async () => {
    const account = await givenAccount(100);
    // Over HTTP the 1 MiB body limit answers first (see the HTTP safety tests), so ask the service itself.
    const submit = submitTask({
      accountId: account.accountId,
      model: 'upscale',
      runner: 'CLOUD',
      input: { blob: 'x'.repeat(1024 * 1024) },
      outTaskId: null,
      apiKeyId: null,
      metadata: {},
      tags: [],
      schedule: { priority: 0, startWithinSeconds: null, maxRunSeconds: null },
    });
    await expect(submit).rejects.toMatchObject({ code: 'INVALID_PARAM', param: 'input.input' });
    expect(await taskCount(account.accountId)).toBe(0);
  });

  it('gives InvalidApiKeyError for a missing, unknown or worker key, and creates nothing', async () => {
    const worker = await givenWorker();
    const before = await db().task.count();
    for (const key of [undefined, 'tg_api_unknown', worker.workerKey]) {
      const res = await gateway.gql<{ submitTask: { __typename: string; status: number } }>(
        'mutation { submitTask(input: { model: "upscale" }) { __typename ... on Error { status } } }',
        {},
        key,
      );
      expect(res.data?.submitTask).toEqual({ __typename: 'InvalidApiKeyError', status: 401 });
    }
    expect(await db().task.count()).toBe(before);
  });
});

describe('submitTask with an outTaskId', () => {
  it('returns the same task for the same model, runner and input, holding once', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const first = await client.submit({ model: 'image-fast', input: { a: 1, b: [1, 2] }, outTaskId: 'job-1' });
    const again = await client.submit({ model: 'image-fast', input: { b: [1, 2], a: 1 }, outTaskId: 'job-1' });

    expect(again).toMatchObject({ __typename: 'Task', id: first.id, outTaskId: 'job-1' });
    expect(await entriesOf(first.id)).toEqual([{ kind: 'HOLD', amount: -4 }]);
    expect(await balanceOf(account.accountId)).toBe(96);
  });

  it('answers IdempotencyConflictError naming the task when anything differs', async () => {
    const account = await givenAccount(500);
    const client = clientOf(gateway, account.apiKey);
    const first = await client.submit({ model: 'image-fast', input: { a: 1 }, outTaskId: 'job-2' });

    for (const other of [
      { model: 'upscale', input: { a: 1 } },
      { model: 'image-fast', input: { a: 2 } },
      { model: 'image-fast', input: { a: 1 }, runner: 'LOCAL' },
    ]) {
      const result = await client.submit({ ...other, outTaskId: 'job-2' });
      expect(result).toMatchObject({
        __typename: 'IdempotencyConflictError',
        code: 'IDEMPOTENCY_CONFLICT',
        status: 409,
        retryable: false,
        taskId: first.id,
      });
    }
    expect(await taskCount(account.accountId)).toBe(1);
    expect(await balanceOf(account.accountId)).toBe(496);
  });

  it('compares a repeat with everything the first was submitted with, whatever either selects', async () => {
    const account = await givenAccount(500);
    const submitId = async (input: Record<string, unknown>): Promise<Record<string, unknown> | undefined> =>
      (
        await gateway.gql<{ submitTask: Record<string, unknown> }>(
          'mutation ($input: SubmitTaskInput!) { submitTask(input: $input) { __typename ... on Task { id } ... on IdempotencyConflictError { taskId } } }',
          { input },
          account.apiKey,
        )
      ).data?.submitTask;
    const first = { model: 'image-fast', input: { big: 'x'.repeat(1000) }, metadata: { k: 'v' }, tags: ['t'], priority: 3, maxRunSeconds: 60, outTaskId: 'narrow' };
    const created = await submitId(first);
    expect(created).toMatchObject({ __typename: 'Task' });

    expect(await submitId(first)).toEqual(created);
    for (const change of [{ input: { big: 'y' } }, { metadata: { k: 'w' } }, { tags: ['u'] }, { priority: 4 }, { maxRunSeconds: 61 }]) {
      expect(await submitId({ ...first, ...change })).toEqual({ __typename: 'IdempotencyConflictError', taskId: created?.id });
    }
    expect(await taskCount(account.accountId)).toBe(1);
  });

  it('creates one task and one hold when the same submit races itself', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => client.submit({ model: 'image-fast', input: { n: 1 }, outTaskId: 'race' })),
    );

    expect(new Set(results.map((result) => result.id)).size).toBe(1);
    expect(await taskCount(account.accountId)).toBe(1);
    expect(await balanceOf(account.accountId)).toBe(96);
  });

  it('keeps outTaskIds apart between accounts', async () => {
    const [a, b] = [await givenAccount(100), await givenAccount(100)];
    const taskA = await clientOf(gateway, a.apiKey).submit({ model: 'upscale', outTaskId: 'shared' });
    const taskB = await clientOf(gateway, b.apiKey).submit({ model: 'image-fast', outTaskId: 'shared' });
    expect(taskB).toMatchObject({ __typename: 'Task' });
    expect(taskB.id).not.toBe(taskA.id);
  });
});

describe('concurrent submits', () => {
  it('never overdraw: 20 at once against credits for 10 make exactly 10 tasks and a zero balance', async () => {
    const account = await givenAccount(40);
    const client = clientOf(gateway, account.apiKey);
    const results = await Promise.all(Array.from({ length: 20 }, () => client.submit({ model: 'image-fast' })));

    const typenames = results.map((result) => result.__typename).sort();
    expect(typenames.filter((name) => name === 'Task')).toHaveLength(10);
    expect(typenames.filter((name) => name === 'InsufficientCreditsError')).toHaveLength(10);
    expect(await taskCount(account.accountId)).toBe(10);
    expect(await balanceOf(account.accountId)).toBe(0);
  });
});
