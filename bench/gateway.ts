import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf, memoryOf, type ProcessMemory } from './proc-stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const KEPT_OUTPUT = 64 * 1024;

export interface GatewayOptions {
  databaseUrl: string;
  /** Undelivered events a listener may hold; the streams scenario must never reach it. */
  listenerBuffer: number;
  /** Where the gateway writes a V8 CPU profile when it exits; none when absent. */
  cpuProfileDir?: string;
}

export interface BenchGateway {
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  readonly pid: number;
  memory(): Promise<ProcessMemory>;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

/**
 * `npm start` as its own process, so its RSS and CPU are its own and not the
 * load generator's. Demo credentials and the demo worker stay off.
 */
export async function startGateway(options: GatewayOptions): Promise<BenchGateway> {
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: '0',
      TASKGATE_DEMO: '0',
      TASKGATE_DEMO_WORKER: '0',
      TASKGATE_LISTENER_BUFFER: String(options.listenerBuffer),
      // The benchmark drives one key far beyond a tenant's fair share on purpose.
      TASKGATE_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`gateway did not listen within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const check = (): void => {
      const match = /listening on http:\/\/[^:]+:(\d+)\//.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve(match[1]);
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${String(code)} before listening:\n${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('gateway has no pid');

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid,
    memory: () => memoryOf(pid),
    cpuSeconds: () => cpuSecondsOf(pid),
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await done;
      clearTimeout(timer);
    },
  };
}
