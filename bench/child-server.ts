import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ProcessMemory, treeCpuSecondsOf, treeMemoryOf } from './proc-stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const KEPT_OUTPUT = 64 * 1024;

/** A server under test in a process of its own, so its RSS and CPU are its own and not the load generator's. */
export interface BenchServer {
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  readonly pid: number;
  memory(): Promise<ProcessMemory>;
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  /** What the server is, for error messages. */
  name: string;
  /** Node's arguments, run from the repository's root. */
  args: string[];
  /** The Node binary; this process's own when absent. */
  node?: string;
  env: NodeJS.ProcessEnv;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
}

/** Starts `node args…` and resolves once it prints `listening on http://HOST:PORT/`; SIGTERM stops it. */
export async function startChildServer(options: ChildServerOptions): Promise<BenchServer> {
  const child = spawn(options.node ?? process.execPath, options.args, { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Left running, it would keep the benchmark from ever exiting.
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not listen within ${START_TIMEOUT_MS} ms:\n${output}`));
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
      reject(new Error(`${options.name} exited with ${String(code)} before listening:\n${output}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} has no pid`);

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    pid,
    memory: () => treeMemoryOf(pid),
    cpuSeconds: () => treeCpuSecondsOf(pid),
    async stop() {
      const done = exited(child);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await done;
      clearTimeout(timer);
    },
  };
}
