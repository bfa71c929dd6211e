import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isRunning, logLines, type RunningProcess, runProcess } from '../helpers/processes.ts';

const started: { process: RunningProcess; dataDir: string }[] = [];

afterEach(async () => {
  for (const { process: running, dataDir } of started.splice(0)) {
    if (running.child.pid !== undefined && isRunning(running.child.pid)) running.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** `npm start` on a fresh embedded PostgreSQL, with its demo worker, as a user's first start: its own process group, as a terminal runs it. */
async function npmStart(): Promise<{ npm: RunningProcess; gatewayPid: number; postgresPid: number }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'taskgate-signals-'));
  const npm = runProcess('npm', ['start'], { DATABASE_URL: undefined, TASKGATE_DATA_DIR: dataDir, PORT: '0' }, { detached: true });
  started.push({ process: npm, dataDir });
  await npm.waitFor(/demo worker: running/, 60_000);
  const listening = logLines(npm.output()).find((line) => typeof line.url === 'string');
  // The embedded demo prints its keys, so by default it listens on loopback only.
  expect(String(listening?.url)).toMatch(/^http:\/\/127\.0\.0\.1:/);
  const postmaster = await readFile(path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8');
  return { npm, gatewayPid: Number(listening?.pid), postgresPid: Number(postmaster.split('\n')[0]) };
}

function errorLines(output: string): Record<string, unknown>[] {
  return logLines(output).filter((line) => typeof line.level === 'number' && line.level >= 50);
}

describe('signals', () => {
  it('Ctrl-C (SIGINT to the whole process group) stops npm start, the gateway and PostgreSQL within 3 s, exit 0, no error line', async () => {
    const { npm, gatewayPid, postgresPid } = await npmStart();
    expect(isRunning(gatewayPid) && isRunning(postgresPid)).toBe(true);
    const pid = npm.child.pid ?? 0;

    const signalled = Date.now();
    process.kill(-pid, 'SIGINT');
    const code = await npm.exited();
    const elapsed = Date.now() - signalled;

    expect(code, npm.output()).toBe(0);
    expect(elapsed).toBeLessThan(3_000);
    expect(errorLines(npm.output())).toEqual([]);
    expect(npm.output()).not.toMatch(/ENOENT|ECONNREFUSED|failed/);
    expect(isRunning(gatewayPid)).toBe(false);
    expect(isRunning(postgresPid)).toBe(false);
  });

  it('SIGTERM to the npm start process alone, as a supervisor sends it, drains and exits 0, leaving no process behind', async () => {
    const { npm, gatewayPid, postgresPid } = await npmStart();

    const signalled = Date.now();
    npm.child.kill('SIGTERM');
    const code = await npm.exited();

    expect(code, npm.output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3_000);
    expect(logLines(npm.output()).map((line) => line.msg)).toContain('SIGTERM: finishing in-flight requests');
    expect(errorLines(npm.output())).toEqual([]);
    expect(isRunning(gatewayPid)).toBe(false);
    expect(isRunning(postgresPid)).toBe(false);
  });
});
