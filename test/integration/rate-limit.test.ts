import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { taskCount } from '../helpers/rows.ts';
import { subscribeSse } from '../helpers/subscriptions.ts';

const gateway = useTestGateway({ rateLimit: { perSecond: 0.5, burst: 3 } });

describe('per-key rate limits', () => {
  it('answer a key over its rate with a retryable RateLimitedError, and change nothing', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    for (let i = 0; i < 3; i++) expect((await client.submit({ model: 'upscale', input: { i } })).__typename).toBe('Task');

    const refused = await client.submit({ model: 'upscale', input: { i: 3 } });
    expect(refused).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED', status: 429, retryable: true });
    const retryAfter = await gateway.gql<{ account: { __typename: string; retryAfterSeconds?: number } }>(
      '{ account { __typename ... on RateLimitedError { retryAfterSeconds } } }',
      {},
      account.apiKey,
    );
    expect(retryAfter.data?.account.__typename).toBe('RateLimitedError');
    expect(retryAfter.data?.account.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await taskCount(account.accountId)).toBe(3);
  });

  it('keep one tenant from starving another', async () => {
    const [busy, quiet] = [await givenAccount(100), await givenAccount(100)];
    const noisy = clientOf(gateway, busy.apiKey);
    for (let i = 0; i < 6; i++) await noisy.submit({ model: 'upscale', input: { i } });
    expect((await noisy.submit({ model: 'upscale' })).__typename).toBe('RateLimitedError');
    expect((await clientOf(gateway, quiet.apiKey).submit({ model: 'upscale' })).__typename).toBe('Task');
  });

  it('apply to worker keys too', async () => {
    const { workerKey } = await givenWorker();
    const claim = 'mutation { claimTask(models: ["no-such-model"]) { __typename } }';
    for (let i = 0; i < 3; i++) expect((await gateway.gql(claim, {}, workerKey)).data).toEqual({ claimTask: null });
    expect((await gateway.gql(claim, {}, workerKey)).data).toEqual({ claimTask: { __typename: 'RateLimitedError' } });
  });

  it('apply to every root field by one mechanism: node and subscriptions answer RATE_LIMITED as a GraphQL error', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const task = await client.submit({ model: 'upscale' });
    for (let i = 0; i < 3; i++) await gateway.gql('{ account { __typename } }', {}, account.apiKey);

    const node = await gateway.gql<{ node: unknown }>('query($id: ID!) { node(id: $id) { id } }', { id: task.id }, account.apiKey);
    expect(node.data).toEqual({ node: null });
    expect(node.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryable: true });
    expect(node.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    const stream = await subscribeSse<unknown>(gateway.url, account.apiKey, 'subscription { taskEvents { cursor } }');
    const refused = await stream.next();
    expect(refused?.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    await stream.close();
  });
});
