import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';

const database = useTestDatabase();

const TASK_EVENTS = 'subscription { taskEvents { cursor type } }';

interface Events {
  taskEvents: { cursor: string; type: string };
}

describe('a gateway stopped with SIGTERM', () => {
  it('ends every stream with SHUTTING_DOWN and a cursor to resume from, then exits 0', async () => {
    const account = await givenAccount(100);
    const gateway = await startGatewayProcess(database.url);
    const client = wsClient(gateway.url, account.apiKey);
    try {
      const overWs = subscribeWs<Events>(client, TASK_EVENTS);
      const overSse = await subscribeSse<Events>(gateway.url, account.apiKey, TASK_EVENTS);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await gateway.gql('mutation { submitTask(input: { model: "upscale" }) { __typename } }', {}, account.apiKey);
      const seen = [(await overWs.next())?.data?.taskEvents.cursor, (await overSse.next())?.data?.taskEvents.cursor];

      const started = Date.now();
      const exited = gateway.process.stop();
      for (const [index, stream] of [overWs, overSse].entries()) {
        const closing = await stream.next();
        expect(closing?.errors?.[0]?.extensions).toMatchObject({ code: 'SHUTTING_DOWN', resumeAfter: seen[index] });
      }
      expect(await overSse.next()).toBeUndefined();
      expect(await exited, gateway.process.output()).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await client.dispose();
      await gateway.process.stop();
    }
  });
});
