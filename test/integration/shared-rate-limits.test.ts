import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { logLines } from '../helpers/processes.ts';
import { TEST_REDIS_URL, testRedisAvailable } from '../helpers/redis.ts';

const database = useTestDatabase();
const gateways: GatewayProcess[] = [];

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.process.stop()));
});

/** One request a second, four at once: a quiet key may send four, then one a second. */
const LIMIT = { TASKGATE_RATE_LIMIT: '1', TASKGATE_RATE_BURST: '4' };
const BURST = 4;

async function gatewaysWith(count: number, env: Record<string, string>): Promise<GatewayProcess[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startGatewayProcess(database.url, { ...LIMIT, ...env })));
  gateways.push(...started);
  return started;
}

/** How many of `requests` calls of one key, taking turns over `instances`, were served rather than rate limited. */
async function servedOf(instances: GatewayProcess[], requests: number): Promise<number> {
  const { apiKey } = await givenAccount(10);
  let served = 0;
  for (let i = 0; i < requests; i++) {
    const res = await instances[i % instances.length]?.gql<{ account: { __typename: string } }>('{ account { __typename } }', {}, apiKey);
    expect(res?.status).toBe(200);
    const kind = res?.data?.account.__typename;
    expect(['Account', 'RateLimitedError']).toContain(kind);
    if (kind === 'Account') served += 1;
  }
  return served;
}

// Without a Redis to share, there is nothing to test here; CI names one in TASKGATE_TEST_REDIS_URL, so there it always runs.
describe.skipIf(!(await testRedisAvailable()))('rate limits shared through Redis', () => {
  it('two gateways with REDIS_URL allow a key its limit once between them', async () => {
    const prefix = `taskgate-test-${randomBytes(4).toString('hex')}:`;
    const pair = await gatewaysWith(2, { REDIS_URL: TEST_REDIS_URL, TASKGATE_REDIS_PREFIX: prefix });
    const served = await servedOf(pair, 3 * BURST);
    // The burst, and at most one more if a second passed meanwhile.
    expect(served).toBeGreaterThanOrEqual(BURST);
    expect(served).toBeLessThanOrEqual(BURST + 1);
  });
});

describe('rate limits without a shared Redis', () => {
  it('are per instance without REDIS_URL: two gateways allow a key its limit each', async () => {
    const pair = await gatewaysWith(2, {});
    expect(await servedOf(pair, 2 * BURST)).toBe(2 * BURST);
  });

  it('hold per instance while Redis cannot be reached, with one log line, and every request answered', async () => {
    const [gateway] = await gatewaysWith(1, { REDIS_URL: 'redis://127.0.0.1:1', TASKGATE_LOG_FORMAT: 'json' });
    if (!gateway) throw new Error('no gateway');
    const served = await servedOf([gateway], 3 * BURST);
    expect(served).toBeGreaterThanOrEqual(BURST);
    expect(served).toBeLessThanOrEqual(BURST + 1);
    const outage = logLines(gateway.process.output()).filter((line) => String(line.msg).startsWith('shared rate limits'));
    expect(outage).toEqual([expect.objectContaining({ level: 50, msg: 'shared rate limits (Redis) failing' })]);
  });
});
