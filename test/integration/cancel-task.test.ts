import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { CANCEL, type TaskResult } from '../helpers/operations.ts';
import { balanceOf, entriesOf, eventTypesOf, putTaskInState } from '../helpers/rows.ts';

const gateway = useTestGateway();

async function givenTask(model: string, options: { runner?: string; outTaskId?: string } = {}) {
  const account = await givenAccount(1_000);
  const client = clientOf(gateway, account.apiKey);
  const task = await client.submit({ model, ...options });
  expect(task.__typename).toBe('Task');
  return { account, client, task };
}

describe('cancelTask rule 1: arguments, key, ownership', () => {
  it('refuses both or neither argument with InvalidParamError, before looking at the key', async () => {
    const { task } = await givenTask('image-fast', { outTaskId: 'x' });
    for (const [args, key] of [
      [{ taskId: task.id, outTaskId: 'x' }, undefined],
      [{}, undefined],
      [{}, 'tg_api_nope'],
    ] as const) {
      const res = await gateway.gql<{ cancelTask: TaskResult }>(CANCEL, args, key);
      expect(res.data?.cancelTask).toMatchObject({ __typename: 'InvalidParamError', code: 'INVALID_PARAM', status: 400, retryable: false });
    }
  });

  it('gives InvalidApiKeyError to a missing, unknown or worker key, and leaves the task', async () => {
    const { account, task } = await givenTask('image-fast');
    const worker = await givenWorker();
    for (const key of [undefined, 'tg_api_unknown', worker.workerKey]) {
      const res = await gateway.gql<{ cancelTask: TaskResult }>(CANCEL, { taskId: task.id }, key);
      expect(res.data?.cancelTask).toMatchObject({ __typename: 'InvalidApiKeyError', code: 'INVALID_API_KEY', status: 401 });
    }
    expect(await balanceOf(account.accountId)).toBe(996);
  });

  it('refuses an id that is not a Task id with InvalidParamError naming taskId', async () => {
    const { client } = await givenTask('image-fast');
    for (const taskId of ['not-an-id', encodeGlobalID('Account', '0190a0a0-0000-7000-8000-000000000000'), encodeGlobalID('Task', '42')]) {
      expect(await client.cancel({ taskId })).toMatchObject({ __typename: 'InvalidParamError', param: 'taskId' });
    }
  });

  it("answers TaskNotFoundError alike for another account's task and for an id never issued", async () => {
    const { task } = await givenTask('image-fast', { outTaskId: 'theirs' });
    const stranger = clientOf(gateway, (await givenAccount(10)).apiKey);
    const foreign = await stranger.cancel({ taskId: task.id });
    const foreignByKey = await stranger.cancel({ outTaskId: 'theirs' });
    const unknown = await stranger.cancel({ taskId: encodeGlobalID('Task', '0190a0a0-0000-7000-8000-000000000000') });

    for (const result of [foreign, foreignByKey, unknown]) {
      expect(result).toEqual({ __typename: 'TaskNotFoundError', code: 'TASK_NOT_FOUND', status: 404, retryable: false, message: unknown.message });
    }
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED']);
  });
});

describe('cancelTask rule 2: a finished task comes back as it is', () => {
  it.each(['COMPLETED', 'FAILED'] as const)('returns a %s task unchanged, charging and refunding nothing more', async (state) => {
    const { account, client, task } = await givenTask('video-hd');
    await putTaskInState(task.id, state, 1);
    const before = await entriesOf(task.id);
    const balance = await balanceOf(account.accountId);

    const result = await client.cancel({ taskId: task.id });
    expect(result).toMatchObject({ __typename: 'Task', state, cancelledAt: null, creditsUsed: state === 'COMPLETED' ? 120 : null });
    expect(await entriesOf(task.id)).toEqual(before);
    expect(await balanceOf(account.accountId)).toBe(balance);
  });

  it('answers a repeated cancel with the same task and refunds once', async () => {
    const { account, client, task } = await givenTask('image-fast', { outTaskId: 'again' });
    const first = await client.cancel({ taskId: task.id });
    const second = await client.cancel({ taskId: task.id });
    const third = await client.cancel({ outTaskId: 'again' });

    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(await entriesOf(task.id)).toEqual([{ kind: 'HOLD', amount: -4 }, { kind: 'REFUND', amount: 4 }]);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CANCELLED']);
    expect(await balanceOf(account.accountId)).toBe(1_000);
  });

  it('returns a finished task of another runner as it is rather than refusing', async () => {
    const { client, task } = await givenTask('upscale', { runner: 'LOCAL' });
    await putTaskInState(task.id, 'COMPLETED', 1);
    expect(await client.cancel({ taskId: task.id })).toMatchObject({ __typename: 'Task', state: 'COMPLETED' });
  });
});

describe('cancelTask rule 3: only CLOUD tasks are cancelled through the API', () => {
  it.each([
    ['SELF_HOSTED', /hosting infrastructure/],
    ['LOCAL', /client that started it/],
    ['GITHUB_ACTIONS', /workflow run/],
  ])('refuses a %s task with OperationNotSupportedError saying where to cancel it', async (runner, via) => {
    const { account, client, task } = await givenTask('agent-run', { runner });
    const result = await client.cancel({ taskId: task.id });

    expect(result).toMatchObject({ __typename: 'OperationNotSupportedError', code: 'OPERATION_NOT_SUPPORTED', status: 422, retryable: false, runner });
    expect(result.cancelVia).toMatch(via);
    expect(await client.task({ id: task.id })).toMatchObject({ state: 'PENDING' });
    expect(await balanceOf(account.accountId)).toBe(975);
  });
});

describe('cancelTask rule 4: a pending run of a CONFLICT model', () => {
  it('is refused with a retryable ConflictError until a worker claims it', async () => {
    const { account, client, task } = await givenTask('agent-run');
    const result = await client.cancel({ taskId: task.id });

    expect(result).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', status: 409, retryable: true, taskState: 'PENDING' });
    expect(result.retryAfterSeconds).toBeGreaterThan(0);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED']);
    expect(await balanceOf(account.accountId)).toBe(975);

    await putTaskInState(task.id, 'RUNNING', 0.1);
    expect(await client.cancel({ taskId: task.id })).toMatchObject({ __typename: 'Task', state: 'CANCELLED' });
  });
});

describe('cancelTask rule 5: cancelled, refunded per the model, one event', () => {
  it('cancels a pending task for free', async () => {
    const { account, client, task } = await givenTask('video-hd');
    const result = await client.cancel({ taskId: task.id });

    expect(result).toMatchObject({ __typename: 'Task', id: task.id, state: 'CANCELLED', creditsUsed: null });
    expect(result.cancelledAt).not.toBeNull();
    expect(result.ledgerEntries).toEqual([
      { kind: 'HOLD', amount: -120, balanceAfter: 880 },
      { kind: 'REFUND', amount: 120, balanceAfter: 1_000 },
    ]);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CANCELLED']);
    expect(await balanceOf(account.accountId)).toBe(1_000);
  });

  it.each([
    ['agent-run', 0.1, 25, null],
    ['agent-run', 0.25, 0, 25],
    ['agent-run', 0.9, 0, 25],
    ['video-hd', 0.49, 120, null],
    ['video-hd', 0.5, 0, 120],
    ['image-fast', 0.89, 4, null],
    ['upscale', 0, 0, 2],
  ] as const)('refunds a running %s at progress %d by %d (creditsUsed %s)', async (model, progress, refund, used) => {
    const { account, client, task } = await givenTask(model);
    await putTaskInState(task.id, 'RUNNING', progress);
    const balance = await balanceOf(account.accountId);

    const result = await client.cancel({ taskId: task.id });
    expect(result).toMatchObject({ __typename: 'Task', state: 'CANCELLED', creditsUsed: used });
    expect(await balanceOf(account.accountId)).toBe(balance + refund);
    expect((await entriesOf(task.id)).filter((entry) => entry.kind === 'REFUND')).toHaveLength(refund > 0 ? 1 : 0);
  });

  it('refunds once when many cancels race, and every caller sees the cancelled task', async () => {
    const { account, client, task } = await givenTask('video-hd');
    const results = await Promise.all(Array.from({ length: 10 }, () => client.cancel({ taskId: task.id })));

    for (const result of results) expect(result).toMatchObject({ __typename: 'Task', state: 'CANCELLED', creditsUsed: null });
    expect(await entriesOf(task.id)).toEqual([{ kind: 'HOLD', amount: -120 }, { kind: 'REFUND', amount: 120 }]);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CANCELLED']);
    expect(await balanceOf(account.accountId)).toBe(1_000);
  });
});
