import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.ts';
import { entryPath } from '../helpers/processes.ts';

const gateway = useTestGateway();
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- ...args` as an operator runs it, against this file's database. */
async function admin(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [entryPath('cli/admin'), ...args], {
      env: { ...process.env, DATABASE_URL: gateway.databaseUrl },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function jsonLine(stdout: string): Record<string, string> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] ?? '') as Record<string, string>;
}

const BALANCE = '{ account { __typename ... on Account { balance } } }';

describe('admin CLI', () => {
  it('account:create prints one JSON line whose key works at once', async () => {
    const created = jsonLine((await admin('account:create', '--name', 'acme', '--credits', '250')).stdout);
    expect(Object.keys(created).sort()).toEqual(['accountId', 'apiKey']);

    const res = await gateway.gql(BALANCE, {}, created.apiKey);
    expect(res.data).toEqual({ account: { __typename: 'Account', balance: 250 } });
  });

  it('credits:grant adds credits with a GRANT and prints the balance', async () => {
    const { accountId, apiKey } = jsonLine((await admin('account:create', '--name', 'beta', '--credits', '10')).stdout);
    const granted = jsonLine((await admin('credits:grant', '--account', accountId ?? '', '--amount', '15')).stdout);
    expect(granted).toEqual({ accountId, balance: 25 });
    expect((await gateway.gql(BALANCE, {}, apiKey)).data).toEqual({ account: { __typename: 'Account', balance: 25 } });
  });

  it('worker:create prints a worker key that is refused on client fields', async () => {
    const worker = jsonLine((await admin('worker:create', '--name', 'gpu-1')).stdout);
    expect(Object.keys(worker).sort()).toEqual(['workerId', 'workerKey']);
    const res = await gateway.gql('{ account { __typename } }', {}, worker.workerKey);
    expect(res.data).toEqual({ account: { __typename: 'InvalidApiKeyError' } });
  });

  it('key:revoke refuses the key from the next request on', async () => {
    const { apiKey } = jsonLine((await admin('account:create', '--name', 'gamma', '--credits', '0')).stdout);
    expect(jsonLine((await admin('key:revoke', '--key', apiKey ?? '')).stdout)).toEqual({ revoked: true });
    expect((await gateway.gql('{ account { __typename } }', {}, apiKey)).data).toEqual({
      account: { __typename: 'InvalidApiKeyError' },
    });
  });

  it('refuses bad input with a message, exit code 1 and nothing on stdout', async () => {
    for (const args of [
      ['account:create', '--name', 'x', '--credits', 'lots'],
      ['credits:grant', '--account', 'not-an-id', '--amount', '5'],
      ['credits:grant', '--account', '0190a0a0-0000-7000-8000-000000000000', '--amount', '5'],
      ['credits:grant', '--account', '0190a0a0-0000-7000-8000-000000000000', '--amount', '0'],
      ['apikey:create', '--account', '0190a0a0-0000-7000-8000-000000000000'],
    ]) {
      const result = await admin(...args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).not.toMatch(/prisma|invocation|\.ts:\d|\bat /i);
    }
  });

  it('prints its usage and exits 2 for an unknown command', async () => {
    const result = await admin('account:delete');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/account:create --name NAME --credits N/);
  });
});
