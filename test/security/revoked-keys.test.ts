import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/services/accounts.ts';
import { revokeKey } from '../../src/auth/revocation.ts';
import { queryOnce } from '../../src/db/query-once.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { waitUntil } from '../helpers/wait.ts';
import { runScript } from '../helpers/processes.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { givenKeyWorld, ROOT_CALLS, type RootCall } from './key-calls.ts';
import { expectRefusedOverHttp, expectServedOverHttp, expectSubscriptionRefused } from './key-checks.ts';

const gateway = useTestGateway();

const ofAudience = (audience: 'client' | 'worker', subscriptions = false): [string, RootCall][] =>
  Object.entries(ROOT_CALLS).filter(([coordinate, call]) => call.audience === audience && coordinate.startsWith('Subscription.') === subscriptions);

describe('a revoked key is refused from the next request on', () => {
  it.each(ofAudience('client'))('%s: an API key served a moment ago', async (coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    await expectServedOverHttp(gateway, coordinate, call, world, world.apiKey);
    expect(await revokeKey(world.apiKey)).toBe(true);
    await expectRefusedOverHttp(gateway, coordinate, call, world, world.apiKey);
  });

  it.each(ofAudience('worker'))('%s: a worker key served a moment ago', async (coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    // A progress report first, so the gateway knows the key, and the task stays with the worker.
    await expectServedOverHttp(gateway, 'Mutation.reportProgress', ROOT_CALLS['Mutation.reportProgress'] as RootCall, world, world.workerKey);
    expect(await revokeKey(world.workerKey)).toBe(true);
    await expectRefusedOverHttp(gateway, coordinate, call, world, world.workerKey);
  });

  it.each(ofAudience('client', true))('%s: over SSE, at WebSocket connection, and on a WebSocket opened before', async (_coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    const opened = wsClient(gateway.url, world.apiKey);
    try {
      const first = subscribeWs(opened, ROOT_CALLS['Subscription.taskUpdated']?.query ?? '', { id: world.pendingTask });
      expect((await first.next())?.errors).toBeUndefined();
      expect(await revokeKey(world.apiKey)).toBe(true);

      const onOpenSocket = await subscribeWs(opened, call.query, call.variables(world)).next();
      expect(onOpenSocket?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_API_KEY' });
      await expectSubscriptionRefused(gateway, call, world, world.apiKey);
    } finally {
      await opened.dispose();
    }
  });

  it('when the admin CLI revokes it, from another process, while the gateway is serving the key', async () => {
    const world = await givenKeyWorld(gateway);
    const account = ROOT_CALLS['Query.account'] as RootCall;
    // The key stays in use until the revocation, so whatever the gateway remembers of it is fresh.
    const revocation = { printed: false };
    const using = (async () => {
      while (!revocation.printed) await gateway.gql(account.query, {}, world.apiKey);
    })();
    const cli = runScript('cli/admin', ['key:revoke', '--key', world.apiKey], { DATABASE_URL: gateway.databaseUrl });
    const exited = once(cli.child, 'exit');
    await cli.waitFor(/"revoked":true/);
    revocation.printed = true;
    await using;
    expect((await exited)[0]).toBe(0);
    await expectRefusedOverHttp(gateway, 'Query.account', account, world, world.apiKey);
  });
});

describe('a key revoked behind the gateway\'s back', () => {
  it('is refused once the second for which the gateway remembers keys has passed', async () => {
    const world = await givenKeyWorld(gateway);
    const account = ROOT_CALLS['Query.account'] as RootCall;
    await expectServedOverHttp(gateway, 'Query.account', account, world, world.apiKey);
    // Straight in the database: no notification tells the gateway.
    await queryOnce(gateway.databaseUrl, `UPDATE "ApiKey" SET "revokedAt" = now() WHERE "accountId" = '${world.accountId}'`);
    const revokedAt = Date.now();
    await waitUntil(async () => {
      const answer = await gateway.gql<{ account: { __typename: string } }>(account.query, {}, world.apiKey);
      return answer.data?.account.__typename === 'InvalidApiKeyError';
    });
    expect(Date.now() - revokedAt).toBeLessThan(1_500);
  });
});

describe('a revoked key loses its open streams', () => {
  it('ends every stream opened with it, over WebSocket and SSE, with KEY_REVOKED; streams of the account\'s other keys go on', async () => {
    const world = await givenKeyWorld(gateway);
    const otherKey = await createApiKey(world.accountId);
    const events = 'subscription { taskEvents { cursor type } }';
    const revokedSocket = wsClient(gateway.url, world.apiKey);
    const otherSocket = wsClient(gateway.url, otherKey);
    const before = gateway.events.listenerCount;
    try {
      const overWs = subscribeWs(revokedSocket, events);
      const taskOverWs = subscribeWs(revokedSocket, 'subscription($id: ID!) { taskUpdated(taskId: $id) { state } }', { id: world.pendingTask });
      const overSse = await subscribeSse(gateway.url, world.apiKey, events);
      const kept = subscribeWs(otherSocket, events);
      expect((await taskOverWs.next())?.errors).toBeUndefined();
      // All four registered: an events stream hears only what is logged after its registration.
      await waitUntil(() => gateway.events.listenerCount === before + 4);
      // A first event on every events stream shows all are registered before the revocation.
      await gateway.gql('mutation { submitTask(input: { model: "image-fast", input: {} }) { __typename } }', {}, otherKey);
      for (const stream of [overWs, overSse, kept]) expect((await stream.next())?.errors).toBeUndefined();

      expect(await revokeKey(world.apiKey)).toBe(true);

      for (const stream of [overWs, taskOverWs, overSse]) {
        const last = await stream.next();
        expect(last?.errors?.[0]?.extensions).toMatchObject({ code: 'KEY_REVOKED', retryable: false });
      }
      await gateway.gql('mutation { submitTask(input: { model: "image-fast", input: {} }) { __typename } }', {}, otherKey);
      expect(await kept.next()).toMatchObject({ data: { taskEvents: { type: 'SUBMITTED' } } });
      await overSse.close();
    } finally {
      await revokedSocket.dispose();
      await otherSocket.dispose();
    }
  });
});
