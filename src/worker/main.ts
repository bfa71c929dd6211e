import { parseArgs } from 'node:util';
import { readWorkerKey } from '../config.ts';
import { gatewayClient } from './gateway-client.ts';
import { listenForCancellations } from './cancellations.ts';
import { runWorker } from './worker-loop.ts';

/** How long each claim waits at the gateway for work: under its HTTP timeout, long enough that idle workers hardly ask. */
const CLAIM_WAIT_SECONDS = 10;

const USAGE = `usage: npm run worker -- [--url URL] [--key KEY] [--models m1,m2] [--concurrency N]
                         [--lease-seconds S] [--steps N] [--step-ms MS]
  --url            the gateway's GraphQL endpoint (default http://localhost:4000/graphql)
  --key            a worker key (default: TASKGATE_WORKER_KEY)
  --models         models to take, comma-separated (default: any)
  --concurrency    tasks run at once (default 1)
  --lease-seconds  lease asked for on each claim (default 30)
  --steps, --step-ms  the simulated work: progress reports and their spacing (default 10 x 500 ms)`;

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number from 1, got "${raw}"`);
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://localhost:4000/graphql' },
      key: { type: 'string' },
      models: { type: 'string' },
      concurrency: { type: 'string' },
      'lease-seconds': { type: 'string' },
      steps: { type: 'string' },
      'step-ms': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const key = values.key ?? readWorkerKey();
  if (values.help || !key) {
    console.error(USAGE);
    return 2;
  }
  const stopping = new AbortController();
  const log = (line: string): void => {
    console.log(line);
  };
  process.once('SIGTERM', () => {
    console.log('SIGTERM: finishing the tasks in hand, claiming no more');
    stopping.abort();
    process.once('SIGTERM', () => process.exit(1));
  });
  process.once('SIGINT', () => {
    stopping.abort();
  });
  const options = {
    client: gatewayClient(values.url, key),
    models: values.models ? values.models.split(',').map((model) => model.trim()).filter(Boolean) : null,
    leaseSeconds: positive(values['lease-seconds'], 30, 'lease-seconds'),
    steps: positive(values.steps, 10, 'steps'),
    stepMs: positive(values['step-ms'], 500, 'step-ms'),
    waitSeconds: CLAIM_WAIT_SECONDS,
    idleMs: 1_000,
    cancellations: listenForCancellations(values.url, key, stopping.signal, log),
    signal: stopping.signal,
    finishInHand: true,
    log,
  };
  const loops = Array.from({ length: positive(values.concurrency, 1, 'concurrency') }, () => runWorker(options));
  console.log(`worker taking ${options.models?.join(', ') ?? 'any model'} from ${values.url}`);
  await Promise.all(loops);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
