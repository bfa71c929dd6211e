import pg from 'pg';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse, subscribeWs, type Subscription, wsClient } from '../helpers/subscriptions.ts';
import { workerOf } from '../helpers/worker.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();
const open: (Client | Subscription<unknown>)[] = [];

afterEach(async () => {
  for (const item of open.splice(0)) {
    if ('dispose' in item) await item.dispose();
    else await item.close();
  }
});

const TASK_UPDATED = `
  subscription($taskId: ID, $outTaskId: String) {
    taskUpdated(taskId: $taskId, outTaskId: $outTaskId) { id state progress creditsUsed }
  }`;

const TASK_EVENTS = `
  subscription($after: String, $filter: TaskEventFilter) {
    taskEvents(after: $after, filter: $filter) { cursor type state task { id } }
  }`;

interface Updated {
  taskUpdated: { id: string; state: string; progress: number; creditsUsed: number | null };
}
interface Events {
  taskEvents: { cursor: string; type: string; state: string; task: { id: string } };
}

function ws(apiKey: string | undefined): Client {
  const client = wsClient(gateway.url, apiKey);
  open.push(client);
  return client;
}

function track<S extends Subscription<unknown>>(subscription: S): S {
  open.push(subscription);
  return subscription;
}

async function givenAccountWithWorker(credits = 1_000) {
  const account = await givenAccount(credits);
  return {
    account,
    client: clientOf(gateway, account.apiKey),
    worker: workerOf(gateway, (await givenWorker()).workerKey),
  };
}

describe('taskUpdated', () => {
  it('over WebSocket: the task now, then after every change, ending after its terminal state', async () => {
    const { account, client, worker } = await givenAccountWithWorker();
    const task = await client.submit({ model: 'image-fast' });
    const updates = track(subscribeWs<Updated>(ws(account.apiKey), TASK_UPDATED, { taskId: task.id }));
    expect((await updates.next())?.data?.taskUpdated).toMatchObject({ id: task.id, state: 'PENDING' });

    await worker.claim(['image-fast']);
    await worker.progress(task.id, 0.5);
    await worker.complete(task.id);
    const seen = (await updates.take(3)).map((result) => result.data?.taskUpdated);
    expect(seen).toEqual([
      { id: task.id, state: 'RUNNING', progress: 0, creditsUsed: null },
      { id: task.id, state: 'RUNNING', progress: 0.5, creditsUsed: null },
      { id: task.id, state: 'COMPLETED', progress: 1, creditsUsed: 4 },
    ]);
    expect(await updates.next()).toBeUndefined();
  });

  it('over SSE, by outTaskId: cancelled while pending, then the stream ends', async () => {
    const { account, client } = await givenAccountWithWorker();
    await client.submit({ model: 'video-hd', outTaskId: 'watched' });
    const updates = track(await subscribeSse<Updated>(gateway.url, account.apiKey, TASK_UPDATED, { outTaskId: 'watched' }));
    expect(updates.status).toBe(200);
    expect((await updates.next())?.data?.taskUpdated.state).toBe('PENDING');

    await client.cancel({ outTaskId: 'watched' });
    expect((await updates.next())?.data?.taskUpdated).toMatchObject({ state: 'CANCELLED', creditsUsed: null });
    expect(await updates.next()).toBeUndefined();
  });

  it('shows every state even when several changes reach the stream at once', async () => {
    const { account, client, worker } = await givenAccountWithWorker();
    const task = await client.submit({ model: 'image-fast' });
    const updates = track(subscribeWs<Updated>(ws(account.apiKey), TASK_UPDATED, { taskId: task.id }));
    expect((await updates.next())?.data?.taskUpdated.state).toBe('PENDING');

    // An open writing transaction holds the stream back, so claim and completion arrive together.
    const blocker = new pg.Client({ connectionString: gateway.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()');
    await worker.claim(['image-fast']);
    await worker.complete(task.id);
    await blocker.query('COMMIT');
    await blocker.end();

    const seen = (await updates.take(2)).map((result) => result.data?.taskUpdated);
    expect(seen).toEqual([
      { id: task.id, state: 'RUNNING', progress: 0, creditsUsed: null },
      { id: task.id, state: 'COMPLETED', progress: 1, creditsUsed: 4 },
    ]);
  });

  it('sends a finished task once and ends', async () => {
    const { account, client } = await givenAccountWithWorker();
    const task = await client.submit({ model: 'upscale' });
    await client.cancel({ taskId: task.id });
    const updates = track(subscribeWs<Updated>(ws(account.apiKey), TASK_UPDATED, { taskId: task.id }));
    expect((await updates.next())?.data?.taskUpdated.state).toBe('CANCELLED');
    expect(await updates.next()).toBeUndefined();
  });

  it("refuses another account's task as TASK_NOT_FOUND, on both transports", async () => {
    const { client } = await givenAccountWithWorker();
    const task = await client.submit({ model: 'upscale' });
    const stranger = await givenAccount(0);

    const overWs = track(subscribeWs<Updated>(ws(stranger.apiKey), TASK_UPDATED, { taskId: task.id }));
    expect((await overWs.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'TASK_NOT_FOUND', status: 404 });
    const overSse = track(await subscribeSse<Updated>(gateway.url, stranger.apiKey, TASK_UPDATED, { taskId: task.id }));
    expect((await overSse.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'TASK_NOT_FOUND' });
  });

  it('refuses a bad key as INVALID_API_KEY over SSE, and a WebSocket without a valid key at connection', async () => {
    const { client } = await givenAccountWithWorker();
    const task = await client.submit({ model: 'upscale' });
    const sse = track(await subscribeSse<Updated>(gateway.url, 'tg_api_unknown', TASK_UPDATED, { taskId: task.id }));
    expect((await sse.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_API_KEY', status: 401 });

    const refused = track(subscribeWs<Updated>(ws(undefined), TASK_UPDATED, { taskId: task.id }));
    expect((await refused.next())?.errors?.[0]?.message).toMatch(/4403|Forbidden/);
  });
});

describe('taskEvents', () => {
  it('delivers every event of the caller, in order, on both transports', async () => {
    const { account, client, worker } = await givenAccountWithWorker();
    const overWs = track(subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS));
    const overSse = track(await subscribeSse<Events>(gateway.url, account.apiKey, TASK_EVENTS));
    await new Promise((resolve) => setTimeout(resolve, 200));

    const task = await client.submit({ model: 'agent-run' });
    await worker.claim(['agent-run']);
    await client.cancel({ taskId: task.id });
    for (const stream of [overWs, overSse]) {
      const events = (await stream.take(3)).map((result) => result.data?.taskEvents);
      expect(events.map((event) => [event?.type, event?.state, event?.task.id])).toEqual([
        ['SUBMITTED', 'PENDING', task.id],
        ['CLAIMED', 'RUNNING', task.id],
        ['CANCELLED', 'CANCELLED', task.id],
      ]);
      expect(new Set(events.map((event) => event?.cursor)).size).toBe(3);
    }
  });

  it('writes each WebSocket listener the very results SSE reads, in order, when many events come at once', async () => {
    const { account, client } = await givenAccountWithWorker();
    const WHOLE = `subscription { taskEvents { cursor type state progress at task { id state input metadata tags createdAt } } }`;
    const [first, second] = [ws(account.apiKey), ws(account.apiKey)];
    const overWs = [first, second, first].map((socket) => track(subscribeWs<Events>(socket, WHOLE)));
    const overSse = track(await subscribeSse<Events>(gateway.url, account.apiKey, WHOLE));
    await waitUntil(() => gateway.events.listenerCount >= 4);

    await Promise.all(Array.from({ length: 30 }, (_, i) => client.submit({ model: 'upscale', input: { i, text: 'é"\\\n' } })));
    const read = await overSse.take(30);
    expect(new Set(read.map((result) => result.data?.taskEvents.cursor)).size).toBe(30);
    for (const stream of overWs) expect(await stream.take(30)).toEqual(read);
  });

  it("never shows one account's events to another", async () => {
    const mine = await givenAccountWithWorker();
    const theirs = await givenAccountWithWorker();
    const stream = track(subscribeWs<Events>(ws(theirs.account.apiKey), TASK_EVENTS));
    await new Promise((resolve) => setTimeout(resolve, 200));

    for (let i = 0; i < 5; i++) await mine.client.submit({ model: 'upscale', input: { i } });
    const own = await theirs.client.submit({ model: 'upscale' });
    expect((await stream.next())?.data?.taskEvents.task.id).toBe(own.id);
  });

  it('filters by task and by type', async () => {
    const { account, client } = await givenAccountWithWorker();
    const watched = await client.submit({ model: 'upscale' });
    const stream = track(
      subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS, { filter: { taskIds: [watched.id], types: ['CANCELLED'] } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const other = await client.submit({ model: 'upscale' });
    await client.cancel({ taskId: other.id });
    await client.cancel({ taskId: watched.id });
    expect((await stream.next())?.data?.taskEvents).toMatchObject({ type: 'CANCELLED', task: { id: watched.id } });
  });

  it('resumes after a cursor with exactly the missed events, in order, then live', async () => {
    const { account, client } = await givenAccountWithWorker();
    const first = track(subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const a = await client.submit({ model: 'upscale', input: { n: 'a' } });
    const seen = await first.take(1);
    await first.close();

    const b = await client.submit({ model: 'upscale', input: { n: 'b' } });
    await client.cancel({ taskId: a.id });
    const resumed = track(subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS, { after: seen[0]?.data?.taskEvents.cursor }));
    const missed = (await resumed.take(2)).map((result) => result.data?.taskEvents);
    expect(missed.map((event) => [event?.type, event?.task.id])).toEqual([
      ['SUBMITTED', b.id],
      ['CANCELLED', a.id],
    ]);
    await client.cancel({ taskId: b.id });
    expect((await resumed.next())?.data?.taskEvents).toMatchObject({ type: 'CANCELLED', task: { id: b.id } });
  });

  it('refuses a cursor that is not one, or not in the log, with a clear error', async () => {
    const { account } = await givenAccountWithWorker();
    const forged = Buffer.from('ev1:1:999999999').toString('base64url');
    const notACursor = track(subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS, { after: 'nope' }));
    expect((await notACursor.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PARAM', param: 'after' });
    const unknown = track(subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS, { after: forged }));
    const error = (await unknown.next())?.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: 'CURSOR_EXPIRED' });
    expect(error?.message).toMatch(/re-read current state/);
  });

  it('frees its listener when the client goes away, on both transports', async () => {
    const { account } = await givenAccountWithWorker();
    const before = gateway.events.listenerCount;
    const overWs = subscribeWs<Events>(ws(account.apiKey), TASK_EVENTS);
    const overSse = await subscribeSse<Events>(gateway.url, account.apiKey, TASK_EVENTS);
    await waitUntil(() => gateway.events.listenerCount === before + 2);
    await overWs.close();
    await overSse.close();
    await waitUntil(() => gateway.events.listenerCount === before);
  });
});

describe('WebSocket transport', () => {
  it('answers a document that does not parse with an error, and keeps the connection', async () => {
    const { account, client } = await givenAccountWithWorker();
    const connection = ws(account.apiKey);
    const broken = track(subscribeWs<Events>(connection, 'subscription { taskEvents { '));
    expect((await broken.next())?.errors?.[0]?.message).toMatch(/Syntax Error/);
    const task = await client.submit({ model: 'upscale' });
    const updates = track(subscribeWs<Updated>(connection, TASK_UPDATED, { taskId: task.id }));
    expect((await updates.next())?.data?.taskUpdated.id).toBe(task.id);
  });

  it('refuses a message over 1 MiB by closing the socket', async () => {
    const { account } = await givenAccountWithWorker();
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${account.apiKey}` } }));
    const closed = new Promise<number>((resolve) => {
      socket.once('close', (code) => {
        resolve(code);
      });
    });
    socket.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
  });
});

