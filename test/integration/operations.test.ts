import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { testConfig } from '../helpers/gateway.ts';
import { postGraphQL } from '../helpers/graphql-http.ts';
import { startRestartablePostgres } from '../helpers/restartable-postgres.ts';
import { subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';
import { migrate } from '../../src/db/migrate.ts';

const cleanUp: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanUp.splice(0).reverse()) await step();
});

/** A gateway of this test's own, on a database of its own, with `env` as its environment would set it. */
async function gatewayWith(env: Record<string, string> = {}, databaseUrl?: string): Promise<Gateway> {
  let url = databaseUrl;
  if (!url) {
    const database: TestDatabase = await createTestDatabase();
    cleanUp.push(() => database.drop());
    url = database.url;
  }
  const gateway = await startGateway(testConfig(url, { env }), silentLogger());
  cleanUp.push(() => gateway.stop());
  return gateway;
}

function endpoint(gateway: Gateway, path: string, port = gateway.port): string {
  return `http://127.0.0.1:${port}${path}`;
}

async function readiness(gateway: Gateway): Promise<{ status: number; body: { status: string; failing?: string[] } }> {
  const response = await fetch(endpoint(gateway, '/ready'));
  return { status: response.status, body: (await response.json()) as { status: string; failing?: string[] } };
}

/** The value of one sample of a metric in Prometheus's text format; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`${name}{`) || candidate.startsWith(`${name} `) ? wanted.every((label) => candidate.includes(label)) : false);
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

const SUBMIT = 'mutation($model: String!) { submitTask(input: { model: $model }) { __typename } }';

describe('health and readiness', () => {
  it('/health and /ready answer 200 while everything is up', async () => {
    const gateway = await gatewayWith();
    const health = await fetch(endpoint(gateway, '/health'));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await waitUntil(async () => (await readiness(gateway)).status === 200);
    expect((await readiness(gateway)).body).toEqual({
      status: 'ready',
      checks: { shutdown: 'ok', database: 'ok', migrations: 'ok', listen: 'ok' },
    });
  });

  it('/ready goes 503 naming the database while PostgreSQL is down, and back to 200 once it is up; /health stays 200', async () => {
    const postgres = await startRestartablePostgres('taskgate-ready-');
    cleanUp.push(() => postgres.remove());
    await migrate(postgres.url);
    const gateway = await gatewayWith({}, postgres.url);
    await waitUntil(async () => (await readiness(gateway)).status === 200);

    await postgres.stop();
    const down = await readiness(gateway);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.failing).toEqual(expect.arrayContaining(['database', 'migrations']));
    expect((await fetch(endpoint(gateway, '/health'))).status).toBe(200);

    await postgres.start();
    await waitUntil(async () => (await readiness(gateway)).status === 200, 15_000);
  });

  it('/ready answers 503 "shutting down" once a stop has begun', async () => {
    const gateway = await gatewayWith();
    const stopping = gateway.stop();
    const during = await readiness(gateway).catch(() => undefined);
    // Either it still answered, then as shutting down, or it had already closed its doors.
    if (during) expect(during.body).toMatchObject({ status: 'unavailable', failing: expect.arrayContaining(['shutdown']) as unknown });
    await stopping;
  });
});

describe('metrics', () => {
  it('/metrics counts operations by field and outcome, and reports the pool, listeners, event lag and process', async () => {
    const gateway = await gatewayWith();
    const poor = await givenAccount(1);
    await postGraphQL(gateway.url, SUBMIT, { model: 'video-hd' }, poor.apiKey);
    await postGraphQL(gateway.url, SUBMIT, { model: 'upscale' }, (await givenAccount(10)).apiKey);
    const client = wsClient(gateway.url, poor.apiKey);
    cleanUp.push(() => client.dispose() as Promise<void>);
    const stream = subscribeWs(client, 'subscription { taskEvents { cursor } }');
    await waitUntil(() => gateway.events.listenerCount === 1);

    const response = await fetch(endpoint(gateway, '/metrics'));
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(sample(text, 'taskgate_operations_total', { field: 'submitTask', outcome: 'INSUFFICIENT_CREDITS' })).toBe(1);
    expect(sample(text, 'taskgate_operations_total', { type: 'mutation', field: 'submitTask', outcome: 'Task' })).toBe(1);
    expect(sample(text, 'taskgate_operation_duration_seconds_count', { field: 'submitTask' })).toBe(2);
    expect(sample(text, 'taskgate_stream_listeners', { transport: 'websocket' })).toBe(1);
    expect(sample(text, 'taskgate_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(sample(text, 'taskgate_event_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'taskgate_lease_sweeps_total', { outcome: 'ok' })).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    await stream.close();
  });

  it('counts rate-limit refusals by key kind', async () => {
    const gateway = await gatewayWith({ TASKGATE_RATE_LIMIT: '1', TASKGATE_RATE_BURST: '1' });
    const { apiKey } = await givenAccount(10);
    for (let n = 0; n < 3; n++) await postGraphQL(gateway.url, '{ account { __typename } }', {}, apiKey);
    const text = await (await fetch(endpoint(gateway, '/metrics'))).text();
    expect(sample(text, 'taskgate_rate_limited_total', { kind: 'client' })).toBeGreaterThanOrEqual(1);
  });

  it('moves to a port of its own with TASKGATE_METRICS_PORT, and is off with TASKGATE_METRICS=0', async () => {
    const own = await gatewayWith({ TASKGATE_METRICS_PORT: '0' });
    expect(own.metricsPort).toBeGreaterThan(0);
    expect((await fetch(endpoint(own, '/metrics', own.metricsPort))).status).toBe(200);
    expect((await fetch(endpoint(own, '/metrics'))).status).not.toBe(200);
    await own.stop();

    const off = await gatewayWith({ TASKGATE_METRICS: '0' });
    expect((await fetch(endpoint(off, '/metrics'))).status).not.toBe(200);
  });
});

/** Whether a TCP connection to `host:port` is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

describe('configuration switches', () => {
  it('listens on every interface by default with DATABASE_URL, and only on HOST when it is set', async () => {
    const database = await createTestDatabase();
    cleanUp.push(() => database.drop());
    const everywhere = await startGateway({ ...testConfig(database.url), host: undefined }, silentLogger());
    cleanUp.push(() => everywhere.stop());
    expect(await accepts('127.0.0.1', everywhere.port)).toBe(true);
    // Another address than 127.0.0.1 to reach it by: IPv6's loopback, where the machine has IPv6.
    const ipv6 = await new Promise<boolean>((resolve) => {
      const probe = net.createServer().once('error', () => {
        resolve(false);
      });
      probe.listen(0, '::1', () => probe.close(() => {
        resolve(true);
      }));
    });
    if (ipv6) expect(await accepts('::1', everywhere.port)).toBe(true);
    await everywhere.stop();

    const loopback = await startGateway(testConfig(database.url, { env: { HOST: '127.0.0.1' } }), silentLogger());
    cleanUp.push(() => loopback.stop());
    expect(await accepts('127.0.0.1', loopback.port)).toBe(true);
    if (ipv6) expect(await accepts('::1', loopback.port)).toBe(false);
  });

  const INTROSPECT = '{ __schema { queryType { name } } }';

  it('introspection and GraphiQL are off with their switches at 0, on at 1', async () => {
    const off = await gatewayWith({ TASKGATE_INTROSPECTION: '0', TASKGATE_GRAPHIQL: '0' });
    const refused = await postGraphQL(off.url, INTROSPECT);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.message).toMatch(/introspection/i);
    // Over WebSocket too, which has no HTTP request to mark.
    const { apiKey } = await givenAccount();
    const socket = wsClient(off.url, apiKey);
    cleanUp.push(async () => {
      await socket.dispose();
    });
    const overSocket = subscribeWs(socket, INTROSPECT);
    const [refusedOverSocket] = await overSocket.take(1);
    expect(refusedOverSocket?.data ?? undefined).toBeUndefined();
    expect(refusedOverSocket?.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await fetch(off.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
    await off.stop();

    const on = await gatewayWith({ TASKGATE_INTROSPECTION: '1', TASKGATE_GRAPHIQL: '1' });
    expect((await postGraphQL(on.url, INTROSPECT)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect(await (await fetch(on.url, { headers: { accept: 'text/html' } })).text()).toMatch(/graphiql/i);
  });

  it('sends no CORS headers unless origins are configured, then only to those origins', async () => {
    const preflight = (gateway: Gateway, origin: string) =>
      fetch(gateway.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const closed = await gatewayWith();
    expect((await preflight(closed, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    await closed.stop();

    const open = await gatewayWith({ TASKGATE_CORS_ORIGINS: 'https://app.example.com' });
    const allowed = await preflight(open, 'https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).not.toBe('true');
    expect((await preflight(open, 'https://evil.example')).headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('echoes the caller\'s x-request-id, or one of its own, on every response', async () => {
    const gateway = await gatewayWith();
    const given = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42' },
      body: JSON.stringify({ query: '{ models { name } }' }),
    });
    expect(given.headers.get('x-request-id')).toBe('trace-42');
    const made = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ models { name } }"}' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const forged = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'a b\u00e9' },
      body: '{"query":"{ models { name } }"}',
    });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
