import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';
import { workerOf } from '../helpers/worker.ts';

const gateway = useTestGateway();
let elsewhere: TestDatabase;

beforeAll(async () => {
  elsewhere = await createTestDatabase(false);
});

afterAll(async () => {
  await elsewhere.drop();
});

/** A session holding an open transaction that has written, and so holds a transaction id, until `end`. */
async function openWriteTransaction(url: string): Promise<{ end: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  return {
    end: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

const EVENTS = 'subscription { taskEvents { type task { id } } }';

describe('the stream horizon', () => {
  it("is this database's: a transaction open in another database of the server does not hold events back", async () => {
    const account = await givenAccount(100);
    const stream = await subscribeSse<{ taskEvents: { type: string; task: { id: string } } }>(gateway.url, account.apiKey, EVENTS);
    await waitUntil(() => gateway.events.listenerCount > 0);
    const blocker = await openWriteTransaction(elsewhere.url);
    try {
      const task = await clientOf(gateway, account.apiKey).submit({ model: 'upscale' });
      // Well before the other transaction ends, which is never in this test.
      const event = await stream.next(2_000);
      expect(event?.data?.taskEvents).toEqual({ type: 'SUBMITTED', task: { id: task.id } });
    } finally {
      await blocker.end();
      await stream.close();
    }
  });

  it('holds events back behind a transaction of this database, and delivers them, in order, once it ends', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const stream = await subscribeSse<{ taskEvents: { type: string; task: { id: string } } }>(gateway.url, account.apiKey, EVENTS);
    await waitUntil(() => gateway.events.listenerCount > 0);
    const blocker = await openWriteTransaction(gateway.databaseUrl);
    const first = await client.submit({ model: 'upscale', input: { n: 1 } });
    const second = await client.submit({ model: 'upscale', input: { n: 2 } });
    await expect(stream.next(500)).rejects.toThrow(/no result/);
    await blocker.end();
    expect((await stream.take(2)).map((result) => result.data?.taskEvents.task.id)).toEqual([first.id, second.id]);
    await stream.close();
  });
});

describe('taskUpdated', () => {
  it('never goes backwards: subscribed while the event reader lags, it shows the task now, then only later changes', async () => {
    const account = await givenAccount(100);
    const task = await clientOf(gateway, account.apiKey).submit({ model: 'image-fast' });
    const { workerKey } = await givenWorker();
    const worker = workerOf(gateway, workerKey);
    // The reader lags: events logged after this transaction began wait until it ends.
    const blocker = await openWriteTransaction(gateway.databaseUrl);
    const claimed = await worker.claim(['image-fast']);
    expect(claimed?.id).toBe(task.id);
    await worker.progress(task.id, 0.5);

    const socket = wsClient(gateway.url, account.apiKey);
    try {
      const updates = subscribeWs<{ taskUpdated: { state: string; progress: number } }>(
        socket,
        'subscription($id: ID!) { taskUpdated(taskId: $id) { state progress } }',
        { id: task.id },
      );
      expect((await updates.next())?.data?.taskUpdated).toEqual({ state: 'RUNNING', progress: 0.5 });
      await blocker.end();
      await worker.complete(task.id);
      const rest = [];
      for (let result = await updates.next(); result; result = await updates.next()) rest.push(result.data?.taskUpdated);
      expect(rest).toEqual([{ state: 'COMPLETED', progress: 1 }]);
    } finally {
      await socket.dispose();
    }
  });
});
