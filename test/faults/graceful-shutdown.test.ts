import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/database.ts';
import { backendsOf } from '../helpers/backends.ts';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { ledgerViolations } from '../helpers/invariants.ts';
import { CANCEL, SUBMIT, type TaskResult } from '../helpers/operations.ts';
import { entriesOf, eventTypesOf } from '../helpers/rows.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';

const database = useTestDatabase();

const TASK_EVENTS = 'subscription { taskEvents { cursor type } }';

interface Events {
  taskEvents: { cursor: string; type: string };
}

/** Each gateway's PostgreSQL sessions carry this name, so the test can find them. */
const APPLICATION = 'taskgate-graceful-shutdown';

/** Whether a new TCP connection to the gateway's port is accepted: once it closes its server, none is. */
function acceptsConnections(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), 'localhost');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });
}

async function submit(gateway: GatewayProcess, apiKey: string, model: string, outTaskId: string) {
  return gateway.gql<{ submitTask: TaskResult }>(SUBMIT, { input: { model, outTaskId } }, apiKey);
}

describe('a gateway stopped with SIGTERM', () => {
  it('ends every stream with SHUTTING_DOWN and a cursor to resume from, then exits 0', async () => {
    const account = await givenAccount(100);
    const gateway = await startGatewayProcess(database.url);
    const client = wsClient(gateway.url, account.apiKey);
    try {
      const overWs = subscribeWs<Events>(client, TASK_EVENTS);
      const overSse = await subscribeSse<Events>(gateway.url, account.apiKey, TASK_EVENTS);
      const streams = [overWs, overSse];
      // A stream is live once it got an event.
      const seen: (string | undefined)[] = [undefined, undefined];
      await waitUntil(async () => {
        await gateway.gql('mutation { submitTask(input: { model: "upscale" }) { __typename } }', {}, account.apiKey);
        for (const [index, stream] of streams.entries()) {
          seen[index] = (await stream.next(200).catch(() => undefined))?.data?.taskEvents.cursor ?? seen[index];
        }
        return seen.every(Boolean);
      });

      const started = Date.now();
      const exited = gateway.process.stop();
      for (const [index, stream] of streams.entries()) {
        // Events still queued come first; the stream's last word names the last of them.
        let closing = await stream.next();
        while (closing?.data) {
          seen[index] = closing.data.taskEvents.cursor;
          closing = await stream.next();
        }
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

  it('finishes the requests in flight with full answers, commits their effects, and leaves no session open', async () => {
    const account = await givenAccount(1_000);
    const gateway = await startGatewayProcess(database.url, { PGAPPNAME: APPLICATION });
    const lock = new pg.Client({ connectionString: database.url });
    await lock.connect();
    try {
      const toCancel = await Promise.all([0, 1, 2, 3].map((n) => submit(gateway, account.apiKey, 'image-fast', `early-${n}`)));
      // The account row held: every change of it waits inside the gateway, in the database, until the test lets go.
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM "Account" WHERE id = $1 FOR UPDATE', [account.accountId]);
      const submits = [0, 1, 2, 3].map((n) => submit(gateway, account.apiKey, 'video-hd', `late-${n}`));
      const cancels = toCancel.map((res) => gateway.gql<{ cancelTask: TaskResult }>(CANCEL, { taskId: res.data?.submitTask.id }, account.apiKey));
      await waitUntil(async () => (await backendsOf(database.url, APPLICATION)).filter((b) => b.waitEventType === 'Lock').length === 8);

      const exited = gateway.process.stop();
      // Let go only once the gateway has closed its doors: what it still finishes was in flight.
      await waitUntil(async () => !(await acceptsConnections(gateway.url)));
      await lock.query('COMMIT');

      const [submitted, cancelled] = await Promise.all([Promise.all(submits), Promise.all(cancels)]);
      const answered = Date.now();
      // Nothing holds it once the last answer is out, not even the keep-alive of that answer's connection.
      expect(await exited, gateway.process.output()).toBe(0);
      expect(Date.now() - answered).toBeLessThan(2_500);
      for (const res of submitted) {
        expect(res.errors).toBeUndefined();
        expect(res.data?.submitTask).toMatchObject({
          __typename: 'Task',
          state: 'PENDING',
          creditsUsed: null,
          ledgerEntries: [{ kind: 'HOLD', amount: -120 }],
        });
        const id = res.data?.submitTask.id ?? '';
        expect(await entriesOf(id)).toEqual([{ kind: 'HOLD', amount: -120 }]);
        expect(await eventTypesOf(id)).toEqual(['SUBMITTED']);
      }
      for (const res of cancelled) {
        expect(res.errors).toBeUndefined();
        expect(res.data?.cancelTask).toMatchObject({
          __typename: 'Task',
          state: 'CANCELLED',
          creditsUsed: null,
          ledgerEntries: [{ kind: 'HOLD', amount: -4 }, { kind: 'REFUND', amount: 4 }],
        });
        const id = res.data?.cancelTask.id ?? '';
        expect(await entriesOf(id)).toEqual([{ kind: 'HOLD', amount: -4 }, { kind: 'REFUND', amount: 4 }]);
        expect(await eventTypesOf(id)).toEqual(['SUBMITTED', 'CANCELLED']);
      }
      expect((await backendsOf(database.url, APPLICATION)).filter((b) => b.state === 'idle in transaction')).toEqual([]);
      // Its sessions end with it: none left behind, least of all one idle in a transaction.
      await waitUntil(async () => (await backendsOf(database.url, APPLICATION)).length === 0, 2_000);
      expect(await ledgerViolations(database.url)).toEqual([]);
    } finally {
      await lock.end();
      await gateway.process.stop();
    }
  });
});
