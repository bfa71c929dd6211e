import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { balanceOf, entriesOf, eventTypesOf, rowId } from '../helpers/rows.ts';
import { workerOf } from '../helpers/worker.ts';

const gateway = useTestGateway();

/** A client with tasks and a worker; every test claims what it submits, so the queue starts empty. */
async function givenClientAndWorker(credits = 1_000) {
  const account = await givenAccount(credits);
  const worker = await givenWorker();
  return { account, client: clientOf(gateway, account.apiKey), worker: workerOf(gateway, worker.workerKey) };
}

describe('claimTask', () => {
  it('hands out the oldest pending task: RUNNING, one attempt, a CLAIMED event; then null', async () => {
    const { client, worker } = await givenClientAndWorker();
    const first = await client.submit({ model: 'image-fast', input: { n: 1 } });
    const second = await client.submit({ model: 'image-fast', input: { n: 2 } });

    expect(await worker.claim()).toMatchObject({ __typename: 'Task', id: first.id, state: 'RUNNING', attempts: 1 });
    expect(await worker.claim()).toMatchObject({ id: second.id });
    expect(await worker.claim()).toBeNull();
    expect(await eventTypesOf(first.id)).toEqual(['SUBMITTED', 'CLAIMED']);
  });

  it('takes only the models asked for', async () => {
    const { client, worker } = await givenClientAndWorker();
    const image = await client.submit({ model: 'image-fast' });
    const video = await client.submit({ model: 'video-hd' });

    expect(await worker.claim(['video-hd', 'upscale'])).toMatchObject({ id: video.id });
    expect(await worker.claim(['video-hd'])).toBeNull();
    expect(await worker.claim(['image-fast'])).toMatchObject({ id: image.id });
  });

  it('takes the oldest pending task across the models asked for, and across every model when none are', async () => {
    const { client, worker } = await givenClientAndWorker();
    const upscale = await client.submit({ model: 'upscale' });
    const video = await client.submit({ model: 'video-hd' });
    const image = await client.submit({ model: 'image-fast' });
    const laterUpscale = await client.submit({ model: 'upscale' });

    expect(await worker.claim(['video-hd', 'upscale'])).toMatchObject({ id: upscale.id });
    expect(await worker.claim(['image-fast', 'video-hd'])).toMatchObject({ id: video.id });
    expect(await worker.claim()).toMatchObject({ id: image.id });
    expect(await worker.claim()).toMatchObject({ id: laterUpscale.id });
  });

  it('never gives one task to two of 10 concurrent claimers', async () => {
    const { client } = await givenClientAndWorker();
    const submitted = await Promise.all(Array.from({ length: 5 }, (_, n) => client.submit({ model: 'upscale', input: { n } })));
    const workers = await Promise.all(Array.from({ length: 10 }, async () => workerOf(gateway, (await givenWorker()).workerKey)));
    const claims = await Promise.all(workers.map((worker) => worker.claim(['upscale'])));

    const claimed = claims.filter((claim) => claim !== null).map((claim) => claim.id);
    expect(claimed.sort()).toEqual(submitted.map((task) => task.id).sort());
    for (const task of submitted) expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CLAIMED']);
  });

  it('refuses a lease outside 1 to 3600 seconds and an API key', async () => {
    const { account, worker } = await givenClientAndWorker();
    expect(await worker.claim(undefined, 0)).toMatchObject({ __typename: 'InvalidParamError', param: 'leaseSeconds' });
    const res = await gateway.gql('mutation { claimTask { __typename } }', {}, account.apiKey);
    expect(res.data).toEqual({ claimTask: { __typename: 'InvalidApiKeyError' } });
  });
});

describe('reportProgress', () => {
  it('records progress with a PROGRESS event and renews the lease', async () => {
    const { client, worker } = await givenClientAndWorker();
    const task = await client.submit({ model: 'video-hd' });
    await worker.claim(undefined, 60);
    const leased = await db().task.findUniqueOrThrow({ where: { id: rowId(task.id) } });

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await worker.progress(task.id, 0.4)).toMatchObject({ __typename: 'Task', state: 'RUNNING', progress: 0.4 });
    const renewed = await db().task.findUniqueOrThrow({ where: { id: rowId(task.id) } });
    expect(renewed.leaseExpiresAt?.getTime()).toBeGreaterThan(leased.leaseExpiresAt?.getTime() ?? Infinity);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CLAIMED', 'PROGRESS']);
  });

  it.each([-0.1, 1.01, Number.MAX_VALUE])('refuses progress %d with InvalidParamError and changes nothing', async (progress) => {
    const { client, worker } = await givenClientAndWorker();
    const task = await client.submit({ model: 'upscale' });
    await worker.claim();
    expect(await worker.progress(task.id, progress)).toMatchObject({ __typename: 'InvalidParamError', param: 'progress' });
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CLAIMED']);
    await worker.complete(task.id);
  });
});

describe('finishing', () => {
  it('completeTask charges the price: the hold stands, creditsUsed = price, output kept', async () => {
    const { account, client, worker } = await givenClientAndWorker(500);
    const task = await client.submit({ model: 'video-hd' });
    await worker.claim();
    const done = await worker.complete(task.id, { url: 'https://cdn.example/v.mp4' });

    expect(done).toMatchObject({ __typename: 'Task', state: 'COMPLETED', progress: 1, creditsUsed: 120, output: { url: 'https://cdn.example/v.mp4' } });
    expect(await entriesOf(task.id)).toEqual([{ kind: 'HOLD', amount: -120 }]);
    expect(await balanceOf(account.accountId)).toBe(380);
    expect(await client.task({ id: task.id })).toMatchObject({ state: 'COMPLETED', creditsUsed: 120 });
  });

  it('failTask refunds in full and keeps the reason', async () => {
    const { account, client, worker } = await givenClientAndWorker(500);
    const task = await client.submit({ model: 'video-hd' });
    await worker.claim();
    const failed = await worker.fail(task.id, 'GPU out of memory');

    expect(failed).toMatchObject({ __typename: 'Task', state: 'FAILED', creditsUsed: null, error: 'GPU out of memory' });
    expect(await entriesOf(task.id)).toEqual([{ kind: 'HOLD', amount: -120 }, { kind: 'REFUND', amount: 120 }]);
    expect(await balanceOf(account.accountId)).toBe(500);
  });
});

describe('LeaseLostError tells the worker to stop, and changes nothing', () => {
  it('after the client cancelled the running task', async () => {
    const { client, worker } = await givenClientAndWorker();
    const task = await client.submit({ model: 'image-fast' });
    await worker.claim();
    await client.cancel({ taskId: task.id });

    for (const call of [() => worker.progress(task.id, 0.5), () => worker.complete(task.id), () => worker.fail(task.id, 'x')]) {
      expect(await call()).toMatchObject({ __typename: 'LeaseLostError', code: 'LEASE_LOST', status: 409, retryable: false, taskState: 'CANCELLED' });
    }
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CLAIMED', 'CANCELLED']);
  });

  it('after the task was completed', async () => {
    const { client, worker } = await givenClientAndWorker();
    const task = await client.submit({ model: 'image-fast' });
    await worker.claim();
    await worker.complete(task.id);
    expect(await worker.complete(task.id)).toMatchObject({ __typename: 'LeaseLostError', taskState: 'COMPLETED' });
    expect(await worker.fail(task.id, 'late')).toMatchObject({ __typename: 'LeaseLostError', taskState: 'COMPLETED' });
  });

  it("for another worker's task, and for a stale attempt", async () => {
    const { client, worker } = await givenClientAndWorker();
    const other = workerOf(gateway, (await givenWorker()).workerKey);
    const task = await client.submit({ model: 'image-fast' });
    const claimed = await worker.claim();

    expect(await other.progress(task.id, 0.5)).toMatchObject({ __typename: 'LeaseLostError', taskState: 'RUNNING' });
    expect(await worker.progress(task.id, 0.5, (claimed?.attempts ?? 0) + 1)).toMatchObject({ __typename: 'LeaseLostError' });
    expect(await worker.progress(task.id, 0.5, claimed?.attempts)).toMatchObject({ __typename: 'Task', progress: 0.5 });
    await worker.complete(task.id);
  });

  it('answers TaskNotFoundError for an unknown task and InvalidApiKeyError for an API key', async () => {
    const { account, client, worker } = await givenClientAndWorker();
    const task = await client.submit({ model: 'image-fast' });
    await worker.claim();
    expect(await worker.progress(encodeGlobalID('Task', randomUUID()), 0.1)).toMatchObject({
      __typename: 'TaskNotFoundError',
      status: 404,
    });
    const res = await gateway.gql(
      'mutation($id: ID!) { reportProgress(taskId: $id, progress: 0.5) { __typename } }',
      { id: task.id },
      account.apiKey,
    );
    expect(res.data).toEqual({ reportProgress: { __typename: 'InvalidApiKeyError' } });
    await worker.complete(task.id);
  });
});

describe('cancel while running', () => {
  it('makes an agent run cancellable once claimed, refunding below the cutoff', async () => {
    const { account, client, worker } = await givenClientAndWorker(100);
    const task = await client.submit({ model: 'agent-run' });
    expect(await client.cancel({ taskId: task.id })).toMatchObject({ __typename: 'ConflictError' });

    await worker.claim(['agent-run']);
    await worker.progress(task.id, 0.2);
    expect(await client.cancel({ taskId: task.id })).toMatchObject({ __typename: 'Task', state: 'CANCELLED', creditsUsed: null });
    expect(await balanceOf(account.accountId)).toBe(100);
  });

  it('charges the price at or above the cutoff', async () => {
    const { account, client, worker } = await givenClientAndWorker(100);
    const task = await client.submit({ model: 'agent-run' });
    await worker.claim(['agent-run']);
    await worker.progress(task.id, 0.25);
    expect(await client.cancel({ taskId: task.id })).toMatchObject({ state: 'CANCELLED', creditsUsed: 25 });
    expect(await balanceOf(account.accountId)).toBe(75);
  });
});

describe('a cancel racing a finish has exactly one winner', () => {
  it.each(['complete', 'fail'] as const)('50 cancel-vs-%s races', async (finish) => {
    const { client, worker } = await givenClientAndWorker(10_000);
    const tasks = await Promise.all(Array.from({ length: 50 }, (_, n) => client.submit({ model: 'video-hd', input: { n } })));
    for (let i = 0; i < tasks.length; i++) await worker.claim(['video-hd']);

    const outcomes = await Promise.all(
      tasks.map(async (task) => {
        const [cancelled, finished] = await Promise.all([
          client.cancel({ taskId: task.id }),
          finish === 'complete' ? worker.complete(task.id) : worker.fail(task.id, 'race'),
        ]);
        return { task, cancelled, finished };
      }),
    );

    for (const { task, cancelled, finished } of outcomes) {
      const winner = finished.__typename === 'Task' ? finished.state : 'CANCELLED';
      expect(cancelled).toMatchObject({ __typename: 'Task', state: winner });
      if (winner === 'CANCELLED') expect(finished).toMatchObject({ __typename: 'LeaseLostError', taskState: 'CANCELLED' });
      const events = await eventTypesOf(task.id);
      expect(events.filter((type) => ['COMPLETED', 'FAILED', 'CANCELLED'].includes(type))).toEqual([winner]);
    }
  });
});
