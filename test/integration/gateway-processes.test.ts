import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { claimTask } from '../../src/services/claim-task.ts';
import { submitTask } from '../../src/services/submit-task.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { ledgerViolations } from '../helpers/invariants.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { runScript, type RunningProcess } from '../helpers/processes.ts';
import { waitUntil } from '../helpers/wait.ts';

const database = useTestDatabase();
const processes: RunningProcess[] = [];

afterEach(async () => {
  await Promise.all(processes.splice(0).map((running) => running.stop()));
  expect(await ledgerViolations(database.url)).toEqual([]);
});

async function startGateway(env: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(database.url, env);
  processes.push(gateway.process);
  return gateway;
}

describe('gateway processes', () => {
  it('npm start with a worker runs a submitted task to COMPLETED, charging its price', async () => {
    const gateway = await startGateway();
    const account = await givenAccount(100);
    const { workerKey } = await givenWorker();
    processes.push(runScript('worker/main', ['--url', gateway.url, '--steps', '2', '--step-ms', '50'], { TASKGATE_WORKER_KEY: workerKey }));

    const response = await gateway.gql('mutation { submitTask(input: { model: "image-fast", outTaskId: "e2e" }) { __typename } }', {}, account.apiKey);
    expect(response.data).toEqual({ submitTask: { __typename: 'Task' } });

    await waitUntil(async () => (await db().task.findFirstOrThrow({ where: { outTaskId: 'e2e' } })).state === 'COMPLETED', 15_000);
    expect(await db().task.findFirstOrThrow({ where: { outTaskId: 'e2e' } })).toMatchObject({ creditsUsed: 4, progress: 1 });
  });

  it('answers a claim waiting on it at once when it stops, instead of holding the request through the grace period', async () => {
    const gateway = await startGateway();
    const { workerKey } = await givenWorker();
    const waiting = gateway.gql<{ claimTask: null }>('mutation { claimTask(models: ["video-hd"], waitSeconds: 30) { __typename } }', {}, workerKey);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = Date.now();
    expect(await gateway.process.stop()).toBe(0);
    // The grace period is 10 s: a claim left waiting would hold the stop that long.
    expect(Date.now() - stopping).toBeLessThan(3_000);
    expect((await waiting).data).toEqual({ claimTask: null });
  });

  it('two gateways sweeping one database handle each expired lease exactly once', async () => {
    await Promise.all([startGateway({ TASKGATE_LEASE_SWEEP_MS: '10' }), startGateway({ TASKGATE_LEASE_SWEEP_MS: '10' })]);
    const account = await givenAccount(10_000);
    const { workerId } = await givenWorker();
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) {
      const task = await submitTask({ accountId: account.accountId, apiKeyId: null, model: 'upscale', runner: 'CLOUD', input: { n }, outTaskId: null, metadata: {}, tags: [], schedule: { priority: 0, startWithinSeconds: null, maxRunSeconds: null } });
      ids.push(task.id);
    }

    for (let round = 1; round <= 3; round++) {
      for (let n = 0; n < ids.length; n++) await claimTask({ workerId, models: ['upscale'], leaseSeconds: 1, maxRunningPerAccount: 1_000 });
      await waitUntil(async () => (await db().task.count({ where: { id: { in: ids }, state: 'RUNNING' } })) === 0, 5_000);
    }

    const events = await db().taskEvent.groupBy({ by: ['taskId', 'type'], where: { taskId: { in: ids } }, _count: true });
    const count = (type: string) => events.filter((event) => event.type === type).map((event) => event._count);
    expect(count('REQUEUED')).toEqual(Array.from({ length: 40 }, () => 2));
    expect(count('FAILED')).toEqual(Array.from({ length: 40 }, () => 1));
    expect(await db().ledgerEntry.count({ where: { taskId: { in: ids }, kind: 'REFUND' } })).toBe(40);
  });
});
