import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Finished, npmRun, REPOSITORY } from '../helpers/commands.ts';

let scratch = '';
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'taskgate-exit-codes-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The schema with one column more than the migrations make. */
async function driftedPrismaSchema(): Promise<string> {
  const schema = await readFile(path.join(REPOSITORY, 'prisma/schema.prisma'), 'utf8');
  const drifted = schema.replace('model Account {\n', 'model Account {\n  nickname  String?\n');
  expect(drifted).not.toBe(schema);
  const file = path.join(scratch, 'schema.prisma');
  await writeFile(file, drifted);
  return file;
}

/** `npm test` on one fixture, the build it runs first skipped: other test files run the build's output meanwhile. */
function npmTestOn(fixture: string, env: Record<string, string | undefined>): Promise<Finished> {
  return npmRun(['test', '--ignore-scripts'], { ...env, TASKGATE_TEST_INCLUDE: `test/fixtures/exit-codes/${fixture}` });
}

describe.each([
  ['without DATABASE_URL (embedded PostgreSQL)', () => ({ DATABASE_URL: undefined })],
  ['with DATABASE_URL', () => ({ DATABASE_URL: inject('postgresServerUrl') })],
])('exit codes %s', (_name, environment) => {
  it('npm test exits 1 when a test fails, and 0 when all pass', async () => {
    const failed = await npmTestOn('failing.fixture.ts', environment());
    expect(failed.output).toMatch(/Tests\s+1 failed/);
    expect(failed.code, failed.output).toBe(1);

    const passed = await npmTestOn('passing.fixture.ts', environment());
    expect(passed.output).toMatch(/Tests\s+1 passed/);
    expect(passed.code, passed.output).toBe(0);
  });

  it('npm run db:check exits 1 when schema.prisma and the migrations drift, and 0 when they agree', async () => {
    const drifted = await npmRun(['run', 'db:check', '--', '--schema', await driftedPrismaSchema()], environment());
    expect(drifted.output).toMatch(/DRIFT/);
    expect(drifted.code, drifted.output).toBe(1);

    const agreeing = await npmRun(['run', 'db:check'], environment());
    expect(agreeing.code, agreeing.output).toBe(0);
  });
});

describe('exit codes of the other scripts', () => {
  it('npm run schema:check exits 1 when schema.graphql drifts from the Pothos schema, and 0 when it does not', async () => {
    const drifted = path.join(scratch, 'schema.graphql');
    await copyFile(path.join(REPOSITORY, 'schema.graphql'), drifted);
    await writeFile(drifted, '\n"""drift"""\nscalar Drift\n', { flag: 'a' });
    const failed = await npmRun(['run', 'schema:check', '--', '--file', drifted]);
    expect(failed.code, failed.output).toBe(1);
    expect((await npmRun(['run', 'schema:check'])).code).toBe(0);
  });

  it('npm run bench exits 2 on a bad option and 1 on an unknown scenario', async () => {
    expect((await npmRun(['run', 'bench', '--ignore-scripts', '--', '--no-such-option'])).code).toBe(2);
    expect((await npmRun(['run', 'bench', '--ignore-scripts', '--', '--only', 'no-such-scenario'])).code).toBe(1);
  });

  it('npm run worker exits 2 without a key and 1 on a bad option value', async () => {
    expect((await npmRun(['run', 'worker'], { TASKGATE_WORKER_KEY: undefined })).code).toBe(2);
    expect((await npmRun(['run', 'worker', '--', '--key', 'tg_worker_x', '--concurrency', 'many'])).code).toBe(1);
  });

  it('npm run admin exits 2 on an unknown command and 1 when it cannot reach the database, with one line', async () => {
    expect((await npmRun(['run', 'admin', '--', 'no:such-command'])).code).toBe(2);
    const unreachable = await npmRun(['run', '-s', 'admin', '--', 'worker:create', '--name', 'w'], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere',
    });
    expect(unreachable.code, unreachable.output).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the CI report check fails a report that counts a failure, whatever the runner said', async () => {
    const report = (counts: Record<string, unknown>) => {
      const file = path.join(scratch, `report-${String(Math.random()).slice(2)}.json`);
      return writeFile(file, JSON.stringify(counts)).then(() => file);
    };
    const passing = { numTotalTests: 3, numPassedTests: 3, numFailedTests: 0, numFailedTestSuites: 0, success: true };
    const check = (file: string) => npmRun(['exec', '--', 'node', 'scripts/check-test-report.mjs', file]);
    expect((await check(await report(passing))).code).toBe(0);
    expect((await check(await report({ ...passing, numPassedTests: 2, numFailedTests: 1 }))).code).toBe(1);
    expect((await check(await report({ ...passing, numFailedTestSuites: 1 }))).code).toBe(1);
    expect((await check(await report({ ...passing, numTotalTests: 0, numPassedTests: 0 }))).code).toBe(1);
    expect((await check(path.join(scratch, 'missing.json'))).code).toBe(1);
  });
});
