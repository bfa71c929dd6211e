import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { balanceOf, entriesOf, eventTypesOf } from '../helpers/rows.ts';
import { workerOf } from '../helpers/worker.ts';
import { waitUntil } from '../helpers/wait.ts';
import { onCommit } from '../../src/db/commits.ts';

const gateway = useTestGateway();

describe('an expired lease', () => {
  it('puts the task back to PENDING with a REQUEUED event, and the late worker gets LeaseLostError', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const worker = workerOf(gateway, (await givenWorker()).workerKey);
    const task = await client.submit({ model: 'image-fast' });
    const claimedAt = Date.now();
    await worker.claim(['image-fast'], 1);

    await waitUntil(async () => (await client.task({ id: task.id })).state === 'PENDING');
    const requeued = await client.task({ id: task.id });
    expect(requeued).toMatchObject({ state: 'PENDING', attempts: 1, progress: 0 });
    expect(Date.now() - claimedAt).toBeLessThan(2_500);
    expect(await eventTypesOf(task.id)).toEqual(['SUBMITTED', 'CLAIMED', 'REQUEUED']);
    expect(await worker.progress(task.id, 0.5)).toMatchObject({ __typename: 'LeaseLostError', taskState: 'PENDING' });

    expect(await worker.claim(['image-fast'], 60)).toMatchObject({ id: task.id, attempts: 2 });
    expect(await worker.complete(task.id)).toMatchObject({ state: 'COMPLETED', creditsUsed: 4 });
  });

  it('fails the task with a full refund after the third attempt', async () => {
    const account = await givenAccount(200);
    const client = clientOf(gateway, account.apiKey);
    const worker = workerOf(gateway, (await givenWorker()).workerKey);
    const task = await client.submit({ model: 'video-hd' });

    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await worker.claim(['video-hd'], 1)).toMatchObject({ id: task.id, attempts: attempt });
      await worker.progress(task.id, 0.9);
      await waitUntil(async () => (await client.task({ id: task.id })).state !== 'RUNNING');
    }

    expect(await client.task({ id: task.id })).toMatchObject({ state: 'FAILED', attempts: 3, creditsUsed: null });
    expect(await eventTypesOf(task.id)).toEqual([
      'SUBMITTED',
      ...['CLAIMED', 'PROGRESS', 'REQUEUED', 'CLAIMED', 'PROGRESS', 'REQUEUED', 'CLAIMED', 'PROGRESS'],
      'FAILED',
    ]);
    expect(await entriesOf(task.id)).toEqual([{ kind: 'HOLD', amount: -120 }, { kind: 'REFUND', amount: 120 }]);
    expect(await balanceOf(account.accountId)).toBe(200);
    expect(await worker.claim(['video-hd'], 1)).toBeNull();
  });

  it('is renewed by progress, so a reporting worker keeps its task', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const worker = workerOf(gateway, (await givenWorker()).workerKey);
    const task = await client.submit({ model: 'upscale' });
    await worker.claim(['upscale'], 1);

    for (let step = 1; step <= 6; step++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await worker.progress(task.id, step / 10)).toMatchObject({ __typename: 'Task', state: 'RUNNING' });
    }
    expect(await worker.complete(task.id)).toMatchObject({ state: 'COMPLETED' });
    expect((await eventTypesOf(task.id)).includes('REQUEUED')).toBe(false);
  });
});

describe('the lease sweep', () => {
  it('wakes the streams only when it changed something', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const worker = workerOf(gateway, (await givenWorker()).workerKey);
    const task = await client.submit({ model: 'image-fast' });
    let announced = 0;
    const stop = onCommit(() => {
      announced += 1;
    });
    try {
      // The test gateway sweeps every 50 ms: these sweeps find no lease at all.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(announced).toBe(0);
      await worker.claim(['image-fast'], 1);
      announced = 0;
      await waitUntil(async () => (await client.task({ id: task.id })).state === 'PENDING');
      expect(announced).toBeGreaterThanOrEqual(1);
    } finally {
      stop();
    }
  });
});
