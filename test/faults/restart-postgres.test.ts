import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { connectDatabase, disconnectDatabase } from '../../src/db/client.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { migrate } from '../../src/db/migrate.ts';
import { makeClusterDir } from '../../src/db/scratch-server.ts';
import { givenAccount } from '../helpers/factories.ts';
import { startGatewayProcess } from '../helpers/gateway-process.ts';
import { ledgerViolations } from '../helpers/invariants.ts';
import { subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';

const SUBMIT = 'mutation($n: Int) { submitTask(input: { model: "upscale", input: { n: $n } }) { __typename ... on Task { id } } }';

interface Events {
  taskEvents: { cursor: string; type: string; task: { id: string } };
}

describe('PostgreSQL restarted under a running gateway', () => {
  it('gets errors while down, then recovers by itself, and its streams go on without loss', async () => {
    // A server of this test's own: restarting the shared one would break the other test files.
    const dir = await makeClusterDir('taskgate-restart-');
    let postgres: EmbeddedDatabase = await startEmbeddedPostgres({ dir, database: 'taskgate', ephemeral: true });
    await migrate(postgres.url);
    connectDatabase(postgres.url);
    const account = await givenAccount(1_000);
    await disconnectDatabase();
    const gateway = await startGatewayProcess(postgres.url);
    const client = wsClient(gateway.url, account.apiKey);
    try {
      const stream = subscribeWs<Events>(client, 'subscription { taskEvents { cursor type task { id } } }');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = await gateway.gql<{ submitTask: { id: string } }>(SUBMIT, { n: 1 }, account.apiKey);
      expect((await stream.next())?.data?.taskEvents.task.id).toBe(before.data?.submitTask.id);

      await postgres.stop();
      const whileDown = await gateway.gql(SUBMIT, { n: 2 }, account.apiKey);
      expect(whileDown.data?.submitTask ?? null).toBeNull();
      expect(whileDown.errors?.[0]?.message).toBe('Unexpected error.');

      const port = Number(new URL(postgres.url).port);
      postgres = await startEmbeddedPostgres({ dir, database: 'taskgate', ephemeral: true, port });
      let after: string | undefined;
      await waitUntil(async () => {
        const res = await gateway.gql<{ submitTask: { id: string } | null }>(SUBMIT, { n: 3 }, account.apiKey);
        after = res.data?.submitTask?.id;
        return after !== undefined;
      }, 20_000);
      expect((await stream.next(10_000))?.data?.taskEvents.task.id).toBe(after);
      expect(await ledgerViolations(postgres.url)).toEqual([]);
    } finally {
      await client.dispose();
      await gateway.process.stop();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
