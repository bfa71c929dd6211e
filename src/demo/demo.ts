import { mkdir } from 'node:fs/promises';
import { seedDemo, type DemoCredentials } from '../services/seed-demo.ts';
import { gatewayClient } from '../worker/gateway-client.ts';
import { runWorker } from '../worker/worker-loop.ts';
import { recallDemoCredentials, rememberDemoCredentials } from './demo-credentials.ts';

/** Creates the demo account on an empty database, and prints the demo keys whenever they are known. */
export async function showDemoCredentials(dataDir: string): Promise<DemoCredentials | undefined> {
  await mkdir(dataDir, { recursive: true });
  const created = await seedDemo();
  if (created) await rememberDemoCredentials(dataDir, created);
  const demo = created ?? (await recallDemoCredentials(dataDir));
  if (!demo) return undefined;
  console.log(`demo API key (account ${demo.accountId}): ${demo.apiKey}`);
  console.log(`demo worker key (worker ${demo.workerId}): ${demo.workerKey}`);
  return demo;
}

export interface DemoWorker {
  /** Stops claiming and resolves once the task in hand is finished. */
  stop(): Promise<void>;
}

/** A worker inside the gateway, so tasks visibly run out of the box: ten progress steps over five seconds. */
export function startDemoWorker(url: string, workerKey: string): DemoWorker {
  const stopping = new AbortController();
  const running = runWorker({
    client: gatewayClient(url, workerKey),
    models: null,
    leaseSeconds: 30,
    steps: 10,
    stepMs: 500,
    idleMs: 1_000,
    signal: stopping.signal,
    log: (line) => {
      console.log(`demo worker: ${line}`);
    },
  }).catch((error: unknown) => {
    console.error('demo worker stopped:', error instanceof Error ? error.message : error);
  });
  console.log('demo worker: running (TASKGATE_DEMO_WORKER=0 turns it off)');
  return {
    stop: async () => {
      stopping.abort();
      await running;
    },
  };
}
