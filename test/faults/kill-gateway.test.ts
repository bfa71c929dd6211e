import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, db, disconnectDatabase } from '../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { ledgerViolations } from '../helpers/invariants.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  connectDatabase(database.url);
});

afterAll(async () => {
  await disconnectDatabase();
  await database.drop();
});

const SUBMIT = `mutation($input: SubmitTaskInput!) { submitTask(input: $input) { __typename ... on Task { id } } }`;
const CANCEL = `mutation($outTaskId: String) { cancelTask(outTaskId: $outTaskId) { __typename ... on Task { state } } }`;

/** Submits and cancels by outTaskId until the gateway stops answering; counts what it saw. */
async function storm(gateway: GatewayProcess, apiKey: string, keys: string[]): Promise<number> {
  let answered = 0;
  await Promise.all(
    keys.map(async (outTaskId, n) => {
      try {
        await gateway.gql(SUBMIT, { input: { model: 'image-fast', outTaskId, input: { n } } }, apiKey);
        if (n % 2 === 0) await gateway.gql(CANCEL, { outTaskId }, apiKey);
        answered += 1;
      } catch {
        // The gateway died under this request: the client retries below.
      }
    }),
  );
  return answered;
}

describe('a gateway killed with SIGKILL in a storm of submits and cancels', () => {
  it('leaves nothing half-written, and clients retrying by outTaskId get no duplicate task or hold', async () => {
    const account = await givenAccount(1_000_000);
    const keys = Array.from({ length: 300 }, (_, n) => `storm-${n}`);
    const first = await startGatewayProcess(database.url);
    const stormed = storm(first, account.apiKey, keys);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    first.process.child.kill('SIGKILL');
    await stormed;
    // Killed mid-storm: some changes had committed, others not.
    const committed = await db().task.count({ where: { accountId: account.accountId } });
    const cancelledBefore = await db().task.count({ where: { accountId: account.accountId, state: 'CANCELLED' } });
    expect(committed).toBeGreaterThan(0);
    expect(committed + cancelledBefore).toBeLessThan(keys.length + keys.length / 2);

    expect(await ledgerViolations(database.url)).toEqual([]);

    const second = await startGatewayProcess(database.url);
    try {
      const retried = await storm(second, account.apiKey, keys);
      expect(retried).toBe(keys.length);
    } finally {
      await second.process.stop();
    }

    expect(await ledgerViolations(database.url)).toEqual([]);
    const tasks = await db().task.findMany({ where: { accountId: account.accountId }, select: { outTaskId: true, state: true } });
    expect(tasks.map((task) => task.outTaskId).sort()).toEqual([...keys].sort());
    const cancelled = tasks.filter((task) => task.state === 'CANCELLED').map((task) => task.outTaskId);
    expect(cancelled.sort()).toEqual(keys.filter((_, n) => n % 2 === 0).sort());
    const holds = await db().ledgerEntry.count({ where: { accountId: account.accountId, kind: 'HOLD' } });
    expect(holds).toBe(keys.length);
  });
});
