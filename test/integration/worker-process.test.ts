import { afterEach, describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { runScript, type RunningProcess } from '../helpers/processes.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();
const processes: RunningProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((running) => running.stop()));
});

async function startWorker(...args: string[]): Promise<RunningProcess> {
  const { workerKey } = await givenWorker();
  const worker = runScript('worker/main', ['--url', gateway.url, ...args], { TASKGATE_WORKER_KEY: workerKey });
  processes.push(worker);
  await worker.waitFor(/worker taking/);
  return worker;
}

describe('npm run worker', () => {
  it('claims, reports progress and completes a task, charging its price', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const task = await client.submit({ model: 'image-fast', input: { prompt: 'sunrise' } });
    const worker = await startWorker('--models', 'image-fast', '--steps', '3', '--step-ms', '100');

    await worker.waitFor(/completed \(image-fast, attempt 1\)/);
    expect(await client.task({ id: task.id })).toMatchObject({ state: 'COMPLETED', progress: 1, creditsUsed: 4 });
  });

  it('stops a task the moment it is cancelled, told by its cancellations stream, and goes on to the next', async () => {
    const account = await givenAccount(1_000);
    const client = clientOf(gateway, account.apiKey);
    const slow = await client.submit({ model: 'video-hd', input: { n: 1 } });
    const next = await client.submit({ model: 'video-hd', input: { n: 2 } });
    const worker = await startWorker('--models', 'video-hd', '--steps', '20', '--step-ms', '100');

    // Its cancellations stream open and the task in its hands: only a cancel after both is told at once.
    await waitUntil(async () => gateway.events.listenerCount > 0 && (await client.task({ id: slow.id })).state === 'RUNNING');
    expect(await client.cancel({ taskId: slow.id })).toMatchObject({ state: 'CANCELLED' });
    await worker.waitFor(new RegExp(`${slow.id}: cancelled by API_KEY; stopping its work`), 2_000);
    await worker.waitFor(/completed \(video-hd/, 10_000);
    expect(await client.task({ id: next.id })).toMatchObject({ state: 'COMPLETED', creditsUsed: 120 });
  });

  it('finishes the task in hand on SIGTERM, then exits 0', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const worker = await startWorker('--models', 'upscale', '--steps', '5', '--step-ms', '200');
    const task = await client.submit({ model: 'upscale' });

    for (;;) {
      if ((await client.task({ id: task.id })).state === 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await worker.stop()).toBe(0);
    expect(await client.task({ id: task.id })).toMatchObject({ state: 'COMPLETED' });
  });

  it('keeps retrying while the gateway cannot be reached', async () => {
    const { workerKey } = await givenWorker();
    const worker = runScript('worker/main', ['--url', 'http://127.0.0.1:9/graphql'], { TASKGATE_WORKER_KEY: workerKey });
    processes.push(worker);
    await worker.waitFor(/claim: .*retrying in \d+ ms[\s\S]*claim: .*retrying in \d+ ms/);
    expect(await worker.stop()).toBe(0);
  });
});
