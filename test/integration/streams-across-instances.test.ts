import type { Client } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { encodeEventCursor } from '../../src/events/cursor.ts';
import type { NewAccount } from '../../src/services/accounts.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { ledgerViolations } from '../helpers/invariants.ts';
import { CANCEL, SUBMIT, type TaskResult } from '../helpers/operations.ts';
import { rowId } from '../helpers/rows.ts';
import { type StreamResult, subscribeSse, subscribeWs, type Subscription, wsClient } from '../helpers/subscriptions.ts';

const TASK_EVENTS = `
  subscription Events($after: String) {
    taskEvents(after: $after) { cursor type task { id state } }
  }`;

const TASK_UPDATED = `
  subscription Updated($taskId: ID) {
    taskUpdated(taskId: $taskId) { id state progress }
  }`;

const WORKER_CALLS = {
  claim: `mutation($models: [String!]) { claimTask(models: $models) { ... on Task { id state } } }`,
  progress: `mutation($taskId: ID!, $progress: Float!) { reportProgress(taskId: $taskId, progress: $progress) { __typename } }`,
  complete: `mutation($taskId: ID!) { completeTask(taskId: $taskId, output: { done: true }) { __typename } }`,
};

interface StreamedEvent {
  cursor: string;
  type: string;
  task: { id: string; state: string };
}
type Events = Subscription<{ taskEvents: StreamedEvent }>;
type Updates = Subscription<{ taskUpdated: { id: string; state: string; progress: number } }>;

const database = useTestDatabase();
const gateways: GatewayProcess[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  // Streams first: an open SSE response would hold a gateway's graceful shutdown.
  await Promise.all(closers.splice(0).map((close) => close()));
  await Promise.all(gateways.splice(0).map((gateway) => gateway.process.stop()));
  expect(await ledgerViolations(database.url)).toEqual([]);
});

async function startGateways(count: number): Promise<GatewayProcess[]> {
  const started = await Promise.all(Array.from({ length: count }, () => startGatewayProcess(database.url)));
  gateways.push(...started);
  return started;
}

function client(gateway: GatewayProcess, account: NewAccount): Client {
  const opened = wsClient(gateway.url, account.apiKey);
  closers.push(async () => {
    await opened.dispose();
  });
  return opened;
}

async function submit(gateway: GatewayProcess, account: NewAccount, model = 'upscale'): Promise<TaskResult> {
  const res = await gateway.gql<{ submitTask: TaskResult }>(SUBMIT, { input: { model } }, account.apiKey);
  expect(res.data?.submitTask.__typename).toBe('Task');
  return (res.data as { submitTask: TaskResult }).submitTask;
}

async function cancel(gateway: GatewayProcess, account: NewAccount, taskId: string): Promise<TaskResult> {
  const res = await gateway.gql<{ cancelTask: TaskResult }>(CANCEL, { taskId }, account.apiKey);
  expect(res.data?.cancelTask.state).toBe('CANCELLED');
  return (res.data as { cancelTask: TaskResult }).cancelTask;
}

/** The account's log as streams must deliver it: (txid, id) order, as cursors. */
async function loggedCursors(accountId: string): Promise<string[]> {
  const events = await db().taskEvent.findMany({ where: { accountId }, orderBy: [{ txid: 'asc' }, { id: 'asc' }] });
  return events.map((event) => encodeEventCursor(event));
}

function eventOf(result: StreamResult<{ taskEvents: StreamedEvent }> | undefined): StreamedEvent {
  if (!result?.data) throw new Error(`not an event: ${JSON.stringify(result)}`);
  return result.data.taskEvents;
}

/**
 * A taskEvents stream on `listener` that is surely registered there: a task
 * submitted and cancelled through `writer` beforehand, and the stream opened
 * after its SUBMITTED event, so receiving its CANCELLED proves the stream live.
 */
async function registeredEvents(listener: GatewayProcess, writer: GatewayProcess, account: NewAccount): Promise<Events> {
  const warmUp = await submit(writer, account);
  await cancel(writer, account, warmUp.id);
  const [submitted, cancelled] = (await loggedCursors(account.accountId)).slice(-2);
  const events: Events = subscribeWs(client(listener, account), TASK_EVENTS, { after: submitted });
  expect(eventOf(await events.next(10_000))).toMatchObject({ cursor: cancelled, type: 'CANCELLED', task: { id: warmUp.id } });
  return events;
}

/** Runs `change` and returns when `events` delivered its next event, with the ms from the change's response to delivery. */
async function timedDelivery(events: Events, change: () => Promise<unknown>): Promise<{ event: StreamedEvent; ms: number }> {
  const delivered = events.next().then((result) => ({ event: eventOf(result), at: performance.now() }));
  await change();
  const respondedAt = performance.now();
  const { event, at } = await delivered;
  return { event, ms: at - respondedAt };
}

describe('streams across gateway instances', () => {
  it('a subscriber on one instance sees a task submitted and cancelled through another, in order, well under a second after each response', async () => {
    const [a, b] = (await startGateways(2)) as [GatewayProcess, GatewayProcess];
    const account = await givenAccount();
    const events = await registeredEvents(a, b, account);

    let taskId = '';
    const submitted = await timedDelivery(events, async () => {
      taskId = (await submit(b, account)).id;
    });
    const cancelled = await timedDelivery(events, () => cancel(b, account, taskId));

    // Negative when the event reached A before B's response reached this process.
    console.log(`cross-instance delivery after the mutation's response: submit ${submitted.ms.toFixed(1)} ms, cancel ${cancelled.ms.toFixed(1)} ms`);
    const cursors = (await loggedCursors(account.accountId)).slice(-2);
    expect([submitted.event, cancelled.event]).toEqual([
      { cursor: cursors[0], type: 'SUBMITTED', task: { id: taskId, state: 'PENDING' } },
      { cursor: cursors[1], type: 'CANCELLED', task: { id: taskId, state: 'CANCELLED' } },
    ]);
    expect(Math.max(submitted.ms, cancelled.ms)).toBeLessThan(500);
  }, 60_000);

  it('listeners on two instances, over WebSocket and SSE, see every change made on a third', async () => {
    const [a, b, c] = (await startGateways(3)) as [GatewayProcess, GatewayProcess, GatewayProcess];
    const account = await givenAccount();
    const { workerKey } = await givenWorker();
    const events = await registeredEvents(a, c, account);
    const task = await submit(c, account, 'image-fast');
    expect(eventOf(await events.next())).toMatchObject({ type: 'SUBMITTED', task: { id: task.id } });
    const updates: Updates = await subscribeSse(b.url, account.apiKey, TASK_UPDATED, { taskId: task.id });
    closers.push(() => updates.close());
    // The task as it is now comes first, once the stream is registered.
    expect((await updates.next(10_000))?.data?.taskUpdated).toEqual({ id: task.id, state: 'PENDING', progress: 0 });

    const steps: [string, Record<string, unknown>, string, { state: string; progress: number }][] = [
      [WORKER_CALLS.claim, { models: ['image-fast'] }, 'CLAIMED', { state: 'RUNNING', progress: 0 }],
      [WORKER_CALLS.progress, { taskId: task.id, progress: 0.5 }, 'PROGRESS', { state: 'RUNNING', progress: 0.5 }],
      [WORKER_CALLS.complete, { taskId: task.id }, 'COMPLETED', { state: 'COMPLETED', progress: 1 }],
    ];
    for (const [query, variables, type, after] of steps) {
      expect((await c.gql(query, variables, workerKey)).errors).toBeUndefined();
      expect(eventOf(await events.next())).toMatchObject({ type, task: { id: task.id } });
      expect((await updates.next())?.data?.taskUpdated).toEqual({ id: task.id, ...after });
    }
    expect(await updates.next(), 'taskUpdated ends after a terminal state').toBeUndefined();
  }, 60_000);

  it("an account's stream on one instance receives nothing of another account's changes made on another", async () => {
    const [a, b] = (await startGateways(2)) as [GatewayProcess, GatewayProcess];
    const [accountA, accountB] = await Promise.all([givenAccount(), givenAccount()]);
    const streamOfB = await registeredEvents(a, b, accountB);

    const taskOfA = await submit(b, accountA);
    await cancel(b, accountA, taskOfA.id);
    const taskOfB = await submit(b, accountB);

    // Events arrive in log order, so B's own event coming next proves none of A's came before it.
    expect(eventOf(await streamOfB.next())).toMatchObject({ type: 'SUBMITTED', task: { id: taskOfB.id } });
    expect(await db().taskEvent.count({ where: { taskId: rowId(taskOfA.id) } })).toBe(2);
  }, 60_000);

  it('a stream resumed on one instance after its last cursor gets exactly the events missed from another, in order, then live ones', async () => {
    const [a, b] = (await startGateways(2)) as [GatewayProcess, GatewayProcess];
    const account = await givenAccount();
    const before = await registeredEvents(a, b, account);
    const one = await submit(b, account);
    const two = await submit(b, account);
    const seen = (await before.take(2)).map(eventOf);
    expect(seen.map((event) => event.task.id)).toEqual([one.id, two.id]);
    await before.close();

    await cancel(b, account, one.id);
    await cancel(b, account, two.id);
    const three = await submit(b, account);
    const missed = (await loggedCursors(account.accountId)).slice(-3);

    const resumed: Events = subscribeWs(client(a, account), TASK_EVENTS, { after: seen.at(-1)?.cursor });
    const replayed = (await resumed.take(3, 10_000)).map(eventOf);
    expect(replayed.map(({ cursor, type, task }) => ({ cursor, type, id: task.id }))).toEqual([
      { cursor: missed[0], type: 'CANCELLED', id: one.id },
      { cursor: missed[1], type: 'CANCELLED', id: two.id },
      { cursor: missed[2], type: 'SUBMITTED', id: three.id },
    ]);

    await cancel(b, account, three.id);
    const live = eventOf(await resumed.next());
    expect(live).toMatchObject({ type: 'CANCELLED', task: { id: three.id } });
    expect(live.cursor).toBe((await loggedCursors(account.accountId)).at(-1));
  }, 60_000);
});
