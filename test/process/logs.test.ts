import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectDatabase, disconnectDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { logLines } from '../helpers/processes.ts';
import { type RestartablePostgres, startRestartablePostgres } from '../helpers/restartable-postgres.ts';
import { waitUntil } from '../helpers/wait.ts';

let postgres: RestartablePostgres;
let gateway: GatewayProcess;

beforeAll(async () => {
  postgres = await startRestartablePostgres('taskgate-logs-');
  await migrate(postgres.url);
  connectDatabase(postgres.url);
  gateway = await startGatewayProcess(postgres.url, { TASKGATE_LEASE_SWEEP_MS: '50', TASKGATE_RATE_LIMIT: '0' });
});

afterAll(async () => {
  await gateway.process.stop();
  await disconnectDatabase();
  await postgres.remove();
});

const lines = (): Record<string, unknown>[] => logLines(gateway.process.output());

describe('logs', () => {
  it('one JSON line per operation: request id, operation, outcome per field, duration and account, never a key', async () => {
    const account = await givenAccount(100);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.apiKey}`, 'x-request-id': 'checkout-7' },
      body: JSON.stringify({ query: 'mutation Render { submitTask(input: { model: "image-fast" }) { __typename } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('checkout-7');
    await waitUntil(() => lines().some((line) => line.requestId === 'checkout-7'));
    expect(lines().find((line) => line.requestId === 'checkout-7')).toMatchObject({
      level: 30,
      msg: 'operation',
      operation: 'Render',
      type: 'mutation',
      fields: [{ field: 'submitTask', outcome: 'Task' }],
      ms: expect.any(Number) as unknown,
      accountId: account.accountId,
    });
    expect(gateway.process.output()).not.toContain(account.apiKey);
    expect(gateway.process.output()).not.toMatch(/tg_api_|tg_worker_/);
  });

  it('an oversized WebSocket frame is one line, not a stack', async () => {
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    await waitUntil(() => lines().some((line) => line.msg === 'websocket closed for a bad frame'));
    expect(lines().filter((line) => line.msg === 'websocket closed for a bad frame')).toHaveLength(1);
    expect(gateway.process.output()).not.toMatch(/\n\s+at /);
  });

  it('while PostgreSQL is down: an unexpected error is logged once with its stack, a failing job once per outage with a count', async () => {
    await postgres.stop();
    const failed = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'during-outage' },
      body: JSON.stringify({ query: '{ models { name } }' }),
    });
    const body = await failed.text();
    expect(body).toContain('Unexpected error.');
    expect(body).not.toMatch(/stack|ECONNREFUSED|\.ts:\d/);
    // Long enough for some forty sweeps every 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await postgres.start();
    await waitUntil(() => lines().some((line) => line.msg === 'lease expiry sweep working again'), 15_000);

    const unexpected = lines().filter((line) => line.msg === 'unexpected error');
    expect(unexpected).toHaveLength(1);
    expect(JSON.stringify(unexpected[0]?.err)).toMatch(/"stack":"[^"]*\\n\s+at /);
    expect(lines().filter((line) => line.msg === 'lease expiry sweep failing')).toHaveLength(1);
    const recovered = lines().filter((line) => line.msg === 'lease expiry sweep working again');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.failures).toBeGreaterThan(5);
  });
});
