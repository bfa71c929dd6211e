import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { statOf } from '../proc-stats.ts';
import type { RenderedScript } from './render-script.ts';

export interface PgbenchOptions {
  binary: string;
  databaseUrl: string;
  script: RenderedScript;
  clients: number;
  threads: number;
  durationS: number;
}

export interface PgbenchRun {
  /** Transactions that completed, each with its latency in ms from the per-transaction log. */
  latencies: number[];
  /** Transactions pgbench counted as failed, and clients it aborted on an error. */
  failed: number;
  abortedClients: number;
  firstError?: string;
  /** As pgbench reports it: completed transactions per second, initial connections excluded. */
  tps: number;
  /** CPU seconds pgbench itself used. */
  cpuSeconds: number;
}

const LOG_PREFIX = 'transactions';

/** The URL without its password, which goes in PGPASSWORD rather than on a command line others can read. */
function connection(databaseUrl: string): { target: string; password: string | undefined } {
  const url = new URL(databaseUrl);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  url.password = '';
  return { target: url.toString(), password };
}

/**
 * Each line of pgbench's per-transaction log (-l) is
 * `client transaction time script epoch microseconds …`, where time is the
 * transaction's latency in µs, or a word when it failed or was skipped.
 */
async function readLatencies(dir: string): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = [];
  let failed = 0;
  for (const file of (await readdir(dir)).filter((name) => name.startsWith(LOG_PREFIX))) {
    for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
      const time = line.split(' ')[2];
      if (time === undefined) continue;
      const micros = Number(time);
      if (Number.isFinite(micros)) latencies.push(micros / 1000);
      else failed += 1;
    }
  }
  return { latencies, failed };
}

function exitOf(child: ReturnType<typeof spawn>): Promise<number | null> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      resolve(code);
    });
  });
}

/** One pgbench run of the script, prepared statements, logging every transaction into a temporary directory. */
export async function runPgbench(options: PgbenchOptions): Promise<PgbenchRun> {
  const dir = await mkdtemp(path.join(tmpdir(), 'taskgate-pgbench-'));
  try {
    const scriptFile = path.join(dir, 'script.sql');
    await writeFile(scriptFile, options.script.text);
    const { target, password } = connection(options.databaseUrl);
    const args = [
      '--no-vacuum',
      '--protocol=prepared',
      `--client=${options.clients}`,
      `--jobs=${options.threads}`,
      `--time=${options.durationS}`,
      `--file=${scriptFile}`,
      '--log',
      `--log-prefix=${path.join(dir, LOG_PREFIX)}`,
      ...Object.entries(options.script.defines).map(([name, value]) => `--define=${name}=${value}`),
      target,
    ];
    // pgbench is this process's child: once it has been waited for, its CPU is in our reaped-children total.
    const cpuBefore = (await statOf(process.pid)).reapedChildrenCpuSeconds;
    const child = spawn(options.binary, args, {
      env: { ...process.env, ...(password === undefined ? {} : { PGPASSWORD: password }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await exitOf(child);
    const cpuSeconds = (await statOf(process.pid)).reapedChildrenCpuSeconds - cpuBefore;

    // Before version 14 pgbench printed a second tps line, excluding connection time as the newer one does.
    const tps = Number((/^tps = ([\d.]+) \((?:without|excluding)/m.exec(stdout) ?? /^tps = ([\d.]+)/m.exec(stdout))?.[1] ?? Number.NaN);
    const errors = stderr.split('\n').filter((line) => /error/i.test(line) && !/run was aborted/i.test(line));
    if (code !== 0 && Number.isNaN(tps)) throw new Error(`pgbench exited with ${String(code)}: ${errors[0] ?? stderr.trim()}`);
    const { latencies, failed } = await readLatencies(dir);
    return {
      latencies,
      failed,
      abortedClients: errors.filter((line) => /client \d+/.test(line)).length,
      firstError: errors[0]?.replace(/^pgbench: error: /, ''),
      tps,
      cpuSeconds,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
