import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { db } from '../../src/db/client.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { rowId } from '../helpers/rows.ts';
import { subscribeWs, type Subscription, wsClient } from '../helpers/subscriptions.ts';

const gateway = useTestGateway();
const clients: Client[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await Promise.resolve(client.dispose());
});

const TASK_EVENTS = `subscription($after: String) { taskEvents(after: $after) { cursor type task { id } } }`;

interface Events {
  taskEvents: { cursor: string; type: string; task: { id: string } };
}

function listen(apiKey: string, after?: string): Subscription<Events> {
  const client = wsClient(gateway.url, apiKey);
  clients.push(client);
  return subscribeWs<Events>(client, TASK_EVENTS, after ? { after } : {});
}

async function cursorOfFirstEvent(apiKey: string, taskId: string): Promise<string> {
  const res = await gateway.gql<{ task: { events: { edges: { node: { cursor: string } }[] } } }>(
    'query($id: ID) { task(id: $id) { ... on Task { events(first: 1) { edges { node { cursor } } } } } }',
    { id: taskId },
    apiKey,
  );
  const cursor = res.data?.task.events.edges[0]?.node.cursor;
  if (!cursor) throw new Error(JSON.stringify(res));
  return cursor;
}

/** Opens a transaction that writes an event for `taskId` and stays open: it holds the lower id. */
async function openTransactionWithEvent(taskId: string, accountId: string): Promise<{ id: bigint; finish(sql: 'COMMIT' | 'ROLLBACK'): Promise<void> }> {
  const connection = new pg.Client({ connectionString: gateway.databaseUrl });
  await connection.connect();
  await connection.query('BEGIN');
  const { rows } = await connection.query<{ id: string }>(
    `INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
     VALUES ($1, $2, 'SUBMITTED', 'PENDING', 0) RETURNING id`,
    [taskId, accountId],
  );
  return {
    id: BigInt(rows[0]?.id ?? '0'),
    finish: async (sql) => {
      await connection.query(sql);
      await connection.end();
    },
  };
}

describe('an event that takes a lower id but commits after a higher one', () => {
  it('reaches a live stream and a resumed stream, before the higher one', async () => {
    const account = await givenAccount(1_000);
    const client = clientOf(gateway, account.apiKey);
    const first = await client.submit({ model: 'upscale', input: { n: 1 } });
    const resumeFrom = await cursorOfFirstEvent(account.apiKey, first.id);
    const live = listen(account.apiKey);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const slow = await openTransactionWithEvent(rowId(first.id), account.accountId);
    const later = await client.submit({ model: 'upscale', input: { n: 2 } });
    const higher = await db().taskEvent.findFirstOrThrow({ where: { taskId: rowId(later.id) } });
    expect(higher.id).toBeGreaterThan(slow.id);
    // While the lower id may still commit, nothing after it is handed out, so no stream can pass it.
    await expect(live.next(400)).rejects.toThrow(/no result/);

    await slow.finish('COMMIT');
    const resumed = listen(account.apiKey, resumeFrom);
    for (const stream of [live, resumed]) {
      const events = (await stream.take(2)).map((result) => result.data?.taskEvents.task.id);
      expect(events).toEqual([first.id, later.id]);
    }
  });

  it('does not hold back the stream once that transaction rolls back', async () => {
    const account = await givenAccount(1_000);
    const client = clientOf(gateway, account.apiKey);
    const first = await client.submit({ model: 'upscale', input: { n: 1 } });
    const live = listen(account.apiKey);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const slow = await openTransactionWithEvent(rowId(first.id), account.accountId);
    const later = await client.submit({ model: 'upscale', input: { n: 2 } });
    await slow.finish('ROLLBACK');
    expect((await live.next())?.data?.taskEvents).toMatchObject({ type: 'SUBMITTED', task: { id: later.id } });
  });
});
