import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY, runCommand } from '../helpers/commands.ts';
import { postGraphQL } from '../helpers/graphql-http.ts';
import { isRunning, logLines, runProcess } from '../helpers/processes.ts';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const made: string[] = [];

afterAll(async () => {
  for (const dir of made.splice(0)) {
    // A cluster staged outside the folder, for a server account that could not reach it, goes too.
    const link = path.join(dir, 'taskgate', '.data', 'postgres', 'cluster');
    const info = await lstat(link).catch(() => undefined);
    if (info?.isSymbolicLink()) await rm(path.dirname(await readlink(link)), { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * What a clone holds once `npm ci` has run, copied into a new home folder of
 * `mode` (owned by `owner` when given) under `base`. node_modules is
 * hard-linked where it can be, on the same file system, else copied.
 */
async function cloneInto(base: string, mode: number, owner?: { uid: number; gid: number }): Promise<string> {
  await mkdir(base, { recursive: true });
  const home = await mkdtemp(path.join(base, 'taskgate-home-'));
  made.push(home);
  const clone = path.join(home, 'taskgate');
  await mkdir(clone);
  for (const entry of ['package.json', 'dist', 'prisma']) await run('cp', ['-a', path.join(REPOSITORY, entry), clone]);
  const modules = path.join(REPOSITORY, 'node_modules');
  await run('cp', ['-al', modules, clone]).catch(() => run('cp', ['-a', modules, clone]));
  // Only the folders: a hard-linked file's owner is its original's too.
  if (owner) for (const dir of [home, clone]) await chown(dir, owner.uid, owner.gid);
  await chmod(home, mode);
  return clone;
}

/** Inside the repository's ignored data dir: the same file system, and as private as the clone itself. */
const BESIDE_REPOSITORY = path.join(REPOSITORY, '.data');

async function startAndStop(clone: string, user?: { uid: number; gid: number }): Promise<void> {
  const gateway = runProcess(
    'npm',
    ['start'],
    { DATABASE_URL: undefined, TASKGATE_DATA_DIR: undefined, PORT: '0', TASKGATE_DEMO_WORKER: '0', HOME: clone },
    { cwd: clone, detached: true, ...user },
  );
  try {
    await gateway.waitFor(/"url":"[^"]+"/, 60_000);
    const lines = logLines(gateway.output());
    const url = String(lines.find((line) => typeof line.url === 'string')?.url);
    const apiKey = /tg_api_[\w-]+/.exec(gateway.output())?.[0];
    const answer = await postGraphQL<{ account: { balance: number } }>(url, '{ account { ... on Account { balance } } }', {}, apiKey);
    expect(answer.data).toEqual({ account: { balance: 1_000 } });

    const signalled = Date.now();
    process.kill(-(gateway.child.pid ?? 0), 'SIGINT');
    expect(await gateway.exited(), gateway.output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3_000);
  } finally {
    if (gateway.child.pid !== undefined && isRunning(gateway.child.pid)) process.kill(-gateway.child.pid, 'SIGKILL');
  }
}

describe('run from a clone in a private folder', () => {
  it('npm start: the embedded PostgreSQL starts, serves the demo account, and stops on Ctrl-C', async () => {
    const clone = await cloneInto(BESIDE_REPOSITORY, 0o700);
    await startAndStop(clone);
  });

  it("the tests' own PostgreSQL starts there too, as `npm test` starts it", async () => {
    const clone = await cloneInto(BESIDE_REPOSITORY, 0o700);
    const script = `
      const { startScratchServer } = await import('./dist/db/scratch-server.js');
      const { queryOnce } = await import('./dist/db/query-once.js');
      const server = await startScratchServer();
      const [row] = await queryOnce(server.url, 'SELECT 1 AS one');
      await server.stop();
      console.log(JSON.stringify(row));`;
    const result = await runCommand(process.execPath, ['--input-type=module', '-e', script], { DATABASE_URL: undefined }, clone);
    expect(result.code, result.output).toBe(0);
    expect(result.stdout.trim()).toBe('{"one":1}');
  });

  // Running as another user needs root; as a user without root, the first case above is this case.
  it.runIf(isRoot)('as a non-root user in a folder of its own', async () => {
    const nobody = { uid: 65534, gid: 65534 };
    // Under the temporary folder, which every user can reach, as a user's own home would be.
    const clone = await cloneInto(tmpdir(), 0o700, nobody);
    await startAndStop(clone, nobody);
  });
});
