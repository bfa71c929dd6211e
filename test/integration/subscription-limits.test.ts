import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway({ env: { TASKGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '3', TASKGATE_MAX_SUBSCRIPTIONS_PER_KEY: '5' } });

const EVENTS = 'subscription { taskEvents(filter: { types: [SUBMITTED] }) { type cursor } }';

interface Events {
  taskEvents: { type: string };
}

describe('subscriptions per connection and per key', () => {
  it('a WebSocket gets SUBSCRIPTION_LIMIT past its cap, alone; its others go on, and a freed place is taken again', async () => {
    const account = await givenAccount(100);
    const socket = wsClient(gateway.url, account.apiKey);
    try {
      const open = [0, 1, 2].map(() => subscribeWs<Events>(socket, EVENTS));
      await waitUntil(() => gateway.events.listenerCount >= 3);
      const refused = subscribeWs<Events>(socket, EVENTS);
      const refusal = await refused.next();
      expect(refusal?.errors?.[0]?.extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT', status: 429, retryable: true, limit: 3 });

      await clientOf(gateway, account.apiKey).submit({ model: 'upscale' });
      for (const stream of open) expect((await stream.next())?.data?.taskEvents.type).toBe('SUBMITTED');

      await open[0]?.close();
      // Its place is free once the server has let it go, which the close does not wait for.
      await waitUntil(() => gateway.events.listenerCount === 2);
      const again = subscribeWs<Events>(socket, EVENTS);
      await waitUntil(() => gateway.events.listenerCount >= 3);
      await clientOf(gateway, account.apiKey).submit({ model: 'upscale' });
      expect((await again.next())?.data?.taskEvents.type).toBe('SUBMITTED');
    } finally {
      await socket.dispose();
    }
  });

  it('a key gets SUBSCRIPTION_LIMIT past its cap over every transport together; another key is not counted with it', async () => {
    const account = await givenAccount(100);
    const [first, second] = [wsClient(gateway.url, account.apiKey), wsClient(gateway.url, account.apiKey)];
    const sockets = [first, second];
    const before = gateway.events.listenerCount;
    try {
      const overWs = [first, first, second, second].map((socket) => subscribeWs<Events>(socket, EVENTS));
      const overSse = await subscribeSse<Events>(gateway.url, account.apiKey, EVENTS);
      await waitUntil(() => gateway.events.listenerCount === before + 5);

      const refused = await subscribeSse<Events>(gateway.url, account.apiKey, EVENTS);
      expect((await refused.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'SUBSCRIPTION_LIMIT', limit: 5 });
      const other = await givenAccount(100);
      const theirs = await subscribeSse<Events>(gateway.url, other.apiKey, EVENTS);
      await waitUntil(() => gateway.events.listenerCount === before + 6);

      await overSse.close();
      await waitUntil(() => gateway.events.listenerCount === before + 5);
      const allowed = await subscribeSse<Events>(gateway.url, account.apiKey, EVENTS);
      await waitUntil(() => gateway.events.listenerCount === before + 6);
      await Promise.all([allowed.close(), theirs.close(), ...overWs.map((stream) => stream.close())]);
    } finally {
      for (const socket of sockets) await socket.dispose();
    }
  });
});
