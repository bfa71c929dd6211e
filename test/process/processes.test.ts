import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { isRunning, logLines, runScript } from '../helpers/processes.ts';
import { waitUntil } from '../helpers/wait.ts';

const database = useTestDatabase();
const started: GatewayProcess[] = [];

afterEach(async () => {
  for (const gateway of started.splice(0)) {
    for (const pid of servingPids(gateway)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await gateway.process.stop();
  }
});

async function gatewayOf(processes: number, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const gateway = await startGatewayProcess(database.url, { TASKGATE_PROCESSES: String(processes), TASKGATE_RATE_LIMIT: '0', ...env });
  started.push(gateway);
  return gateway;
}

/** The processes that said they serve, in the order they said it. */
function servingPids(gateway: GatewayProcess): number[] {
  return logLines(gateway.process.output())
    .filter((line) => line.msg === 'process serving')
    .map((line) => Number(line.pid));
}

/** One request on a connection of its own, so node:cluster may hand it to any process. */
function post(url: string, body: string, key?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, text });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const MODELS = JSON.stringify({ query: 'query Catalog { models { name } }' });

describe('several gateway processes on one port (TASKGATE_PROCESSES)', () => {
  it('serve from every process, add their metrics up, and all stop on SIGTERM, exit 0', async () => {
    const gateway = await gatewayOf(2);
    // Logs leave in batches: a process's line may follow its word to the primary.
    await waitUntil(() => servingPids(gateway).length === 2);
    const pids = servingPids(gateway);
    expect(new Set([gateway.process.child.pid, ...pids]).size).toBe(3);

    const answers = await Promise.all(Array.from({ length: 20 }, () => post(gateway.url, MODELS)));
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    const servedBy = () =>
      new Set(logLines(gateway.process.output()).filter((line) => line.operation === 'Catalog').map((line) => Number(line.pid)));
    await waitUntil(() => servedBy().size === 2);

    const metrics = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
    const served = /^taskgate_operations_total\{[^}]*field="models"[^}]*\} (\d+)$/m.exec(metrics);
    expect(Number(served?.[1])).toBe(20);

    const signalled = Date.now();
    gateway.process.child.kill('SIGTERM');
    expect(await gateway.process.exited(), gateway.process.output()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
  });

  it('serve the metrics port from the primary, with every process counted', async () => {
    const gateway = await gatewayOf(2, { TASKGATE_METRICS_PORT: '0' });
    const announced = logLines(gateway.process.output()).find((line) => line.url === gateway.url);
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(gateway.url, MODELS)));
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${String(announced?.metricsPort)}/metrics`)).text();
    expect(Number(/^taskgate_operations_total\{[^}]*field="models"[^}]*\} (\d+)$/m.exec(metrics)?.[1])).toBe(12);
    expect((await fetch(gateway.url.replace('/graphql', '/metrics'))).status).not.toBe(200);
  });

  it("count a key's requests once between them, wherever its connections land", async () => {
    const gateway = await gatewayOf(2, { TASKGATE_RATE_LIMIT: '5', TASKGATE_RATE_BURST: '5' });
    const { apiKey } = await givenAccount();
    const answers = await Promise.all(Array.from({ length: 16 }, () => post(gateway.url, MODELS, apiKey)));
    const refused = answers.filter(({ text }) => text.includes('RATE_LIMITED')).length;
    // Each process counting alone would let ten through: five each.
    expect(16 - refused).toBeLessThanOrEqual(6);
    expect(refused).toBeGreaterThanOrEqual(10);
  });

  it('exit 1, leaving no process, when a process cannot start', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const running = runScript('main', [], { DATABASE_URL: database.url, TASKGATE_DEMO: '0', TASKGATE_PROCESSES: '2', HOST: '127.0.0.1', PORT: String(port) });
      expect(await running.exited(), running.output()).toBe(1);
      expect(running.output()).toMatch(/taskgate could not start: a gateway process exited while starting/);
      for (const line of logLines(running.output())) expect(isRunning(Number(line.pid))).toBe(false);
    } finally {
      taken.close();
    }
  });

  it('start another process when one dies, and go on serving', async () => {
    const gateway = await gatewayOf(2);
    await waitUntil(() => servingPids(gateway).length === 2);
    const [victim] = servingPids(gateway);
    process.kill(victim ?? 0, 'SIGKILL');
    await waitUntil(() => servingPids(gateway).length === 3, 20_000);
    expect(servingPids(gateway).filter((pid) => isRunning(pid))).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(gateway.url, MODELS)));
    expect(answers.every(({ status }) => status === 200)).toBe(true);
  });
});
