import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { seedDemo, type DemoCredentials } from '../services/seed-demo.ts';
import { gatewayClient } from '../worker/gateway-client.ts';
import { listenForCancellations } from '../worker/cancellations.ts';
import { runWorker } from '../worker/worker-loop.ts';
import { recallDemoCredentials, rememberDemoCredentials } from './demo-credentials.ts';

/** Creates the demo account on an empty database, and prints the demo keys whenever they are known. */
export async function showDemoCredentials(dataDir: string, logger: Logger): Promise<DemoCredentials | undefined> {
  await mkdir(dataDir, { recursive: true });
  const created = await seedDemo();
  if (created) await rememberDemoCredentials(dataDir, created);
  const demo = created ?? (await recallDemoCredentials(dataDir));
  if (!demo) return undefined;
  // The one place keys are logged: the demo exists to be tried at once, on a machine of the user's own.
  logger.info(`demo API key (account ${demo.accountId}): ${demo.apiKey}`);
  logger.info(`demo worker key (worker ${demo.workerId}): ${demo.workerKey}`);
  return demo;
}

export interface DemoWorker {
  /** Stops at once; a task in hand is left to its lease, which puts it back in the queue. */
  stop(): Promise<void>;
}

/** A worker inside the gateway, so tasks visibly run out of the box: ten progress steps over five seconds. */
export function startDemoWorker(url: string, workerKey: string, logger: Logger): DemoWorker {
  const stopping = new AbortController();
  const running = runWorker({
    client: gatewayClient(url, workerKey),
    models: null,
    leaseSeconds: 30,
    steps: 10,
    stepMs: 500,
    waitSeconds: 10,
    idleMs: 1_000,
    cancellations: listenForCancellations(url, workerKey, stopping.signal, (line) => {
      logger.info(`demo worker: ${line}`);
    }),
    signal: stopping.signal,
    finishInHand: false,
    log: (line) => {
      logger.info(`demo worker: ${line}`);
    },
  }).catch((error: unknown) => {
    logger.error(`demo worker stopped: ${error instanceof Error ? error.message : String(error)}`);
  });
  logger.info('demo worker: running (TASKGATE_DEMO_WORKER=0 turns it off)');
  return {
    stop: async () => {
      stopping.abort();
      await running;
    },
  };
}
