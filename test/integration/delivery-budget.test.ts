import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { type StreamResult, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';

const BUDGET = 20;
const gateway = useTestGateway({ env: { TASKGATE_MAX_DELIVERIES_PER_KEY: String(BUDGET) } });

const EVENTS = 'subscription { taskEvents(filter: { types: [SUBMITTED] }) { type } }';

interface Events {
  taskEvents: { type: string };
}

describe('the delivery budget of a key', () => {
  it("paces one key's many streams to its budget, while another tenant's stream is served at once", async () => {
    const [busy, quiet] = [await givenAccount(1_000), await givenAccount(1_000)];
    const busySocket = wsClient(gateway.url, busy.apiKey);
    const quietSocket = wsClient(gateway.url, quiet.apiKey);
    try {
      const streams = Array.from({ length: 5 }, () => subscribeWs<Events>(busySocket, EVENTS));
      const quietStream = subscribeWs<Events>(quietSocket, EVENTS);
      await waitUntil(() => gateway.events.listenerCount >= 6);
      const received: StreamResult<Events>[] = [];
      for (const stream of streams) {
        void (async () => {
          for (;;) received.push((await stream.next(10_000)) ?? {});
        })().catch(() => undefined);
      }
      const busyClient = clientOf(gateway, busy.apiKey);
      // The key's bucket is made full at its first delivery, after this: by any moment t it can have
      // handed out at most BUDGET + BUDGET per second since.
      const begun = performance.now();
      const mostBy = (): number => BUDGET + Math.floor((BUDGET * (performance.now() - begun)) / 1_000);
      // Five streams times ten events: fifty deliveries, over twice the key's budget for a second.
      for (let i = 0; i < 10; i++) await busyClient.submit({ model: 'upscale', input: { i } });
      const started = Date.now();
      await clientOf(gateway, quiet.apiKey).submit({ model: 'upscale' });
      expect((await quietStream.next(2_000))?.data?.taskEvents.type).toBe('SUBMITTED');
      const quietMs = Date.now() - started;

      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(received.length).toBeLessThanOrEqual(mostBy());
      expect(quietMs).toBeLessThan(1_000);
      await waitUntil(() => received.length >= 50, 10_000);
      // The fiftieth delivery waited for the thirty tokens past the first BUDGET: 1.5 s at the least.
      expect(performance.now() - begun).toBeGreaterThanOrEqual(((50 - BUDGET) / BUDGET) * 1_000);
      expect(received.every((result) => result.data?.taskEvents.type === 'SUBMITTED')).toBe(true);
    } finally {
      await busySocket.dispose();
      await quietSocket.dispose();
    }
  });
});
