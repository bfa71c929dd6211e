import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { publishedSchema } from '../fuzz/random-operation.ts';
import { type Audience, givenKeyWorld, ROOT_CALLS, type RootCall } from './key-calls.ts';
import { expectRefusedOverHttp, expectServedOverHttp, expectSubscriptionRefused } from './key-checks.ts';
import { coordinatesOf } from './schema-coordinates.ts';

const gateway = useTestGateway();

function calls(audience: Audience, subscriptions: boolean): [string, RootCall][] {
  return Object.entries(ROOT_CALLS).filter(([coordinate, call]) => call.audience === audience && coordinate.startsWith('Subscription.') === subscriptions);
}

/** The same secret under the other kind's prefix: a key of neither kind. */
function otherPrefix(key: string): string {
  return key.startsWith('tg_api_') ? key.replace('tg_api_', 'tg_worker_') : key.replace('tg_worker_', 'tg_api_');
}

it('every root field of the schema has a call and an audience in key-calls.ts', () => {
  expect(Object.keys(ROOT_CALLS).sort()).toEqual(coordinatesOf(publishedSchema(), []));
});

describe('worker keys and API keys are not interchangeable', () => {
  it.each(calls('client', false))('%s refuses a worker key and one under the worker prefix, and changes nothing', async (coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    await expectRefusedOverHttp(gateway, coordinate, call, world, world.workerKey);
    await expectRefusedOverHttp(gateway, coordinate, call, world, otherPrefix(world.apiKey));
    await expectServedOverHttp(gateway, coordinate, call, world, world.apiKey);
  });

  it.each(calls('worker', false))('%s refuses an API key and one under the API prefix, and changes nothing', async (coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    await expectRefusedOverHttp(gateway, coordinate, call, world, world.apiKey);
    await expectRefusedOverHttp(gateway, coordinate, call, world, otherPrefix(world.workerKey));
    await expectServedOverHttp(gateway, coordinate, call, world, world.workerKey);
  });

  it.each(calls('client', true))('%s refuses a worker key over SSE and at WebSocket connection', async (_coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    await expectSubscriptionRefused(gateway, call, world, world.workerKey);
    await expectSubscriptionRefused(gateway, call, world, otherPrefix(world.apiKey));
    // The API key is served: its stream shows the task's next change.
    const client = wsClient(gateway.url, world.apiKey);
    try {
      const stream = subscribeWs<Record<string, { id?: string }>>(client, call.query, call.variables(world));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await clientOf(gateway, world.apiKey).cancel({ taskId: world.pendingTask });
      expect((await stream.next())?.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
  });

  it.each(calls('worker', true))('%s refuses an API key over SSE, and serves the worker its own tasks', async (_coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    for (const key of [world.apiKey, otherPrefix(world.workerKey)]) {
      const refused = await subscribeSse(gateway.url, key, call.query, call.variables(world));
      try {
        expect((await refused.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_API_KEY', status: 401 });
      } finally {
        await refused.close();
      }
    }
    const served = await subscribeSse<Record<string, { task?: { id: string } }>>(gateway.url, world.workerKey, call.query, call.variables(world));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await clientOf(gateway, world.apiKey).cancel({ taskId: world.runningTask });
      expect(Object.values((await served.next())?.data ?? {})[0]?.task?.id).toBe(world.runningTask);
    } finally {
      await served.close();
    }
  });

  it.each(calls('anyone', false))('%s answers every kind of key alike', async (_coordinate, call) => {
    const world = await givenKeyWorld(gateway);
    const anonymous = await gateway.gql(call.query, call.variables(world));
    expect(anonymous.errors).toBeUndefined();
    for (const key of [world.apiKey, world.workerKey]) expect(await gateway.gql(call.query, call.variables(world), key)).toEqual(anonymous);
  });
});
