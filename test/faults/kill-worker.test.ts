import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { runScript } from '../helpers/processes.ts';
import { balanceOf, entriesOf, eventTypesOf } from '../helpers/rows.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();

describe('a worker killed with SIGKILL mid-task', () => {
  it('loses its lease; the task is re-queued, finished by another worker, and no credit is lost', async () => {
    const account = await givenAccount(200);
    const client = clientOf(gateway, account.apiKey);
    const task = await client.submit({ model: 'video-hd' });
    const slow = ['--models', 'video-hd', '--lease-seconds', '1', '--steps', '50', '--step-ms', '200'];
    const doomed = runScript('worker/main', ['--url', gateway.url, ...slow], { TASKGATE_WORKER_KEY: (await givenWorker()).workerKey });
    await waitUntil(async () => (await client.task({ id: task.id })).state === 'RUNNING');
    doomed.child.kill('SIGKILL');
    await doomed.stop();

    await waitUntil(async () => (await client.task({ id: task.id })).state === 'PENDING');
    const rescuer = runScript('worker/main', ['--url', gateway.url, '--models', 'video-hd', '--steps', '2', '--step-ms', '50'], {
      TASKGATE_WORKER_KEY: (await givenWorker()).workerKey,
    });
    try {
      await waitUntil(async () => (await client.task({ id: task.id })).state === 'COMPLETED', 15_000);
    } finally {
      await rescuer.stop();
    }

    expect(await client.task({ id: task.id })).toMatchObject({ state: 'COMPLETED', attempts: 2, creditsUsed: 120 });
    expect(await entriesOf(task.id)).toEqual([{ kind: 'HOLD', amount: -120 }]);
    // Charged once for the one task, however many workers it took.
    expect(await balanceOf(account.accountId)).toBe(200 - 120);
    expect((await eventTypesOf(task.id)).filter((type) => type !== 'PROGRESS')).toEqual([
      'SUBMITTED',
      'CLAIMED',
      'REQUEUED',
      'CLAIMED',
      'COMPLETED',
    ]);
  });
});
