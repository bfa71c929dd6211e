import { describe, expect, it } from 'vitest';
import { connectDatabase, db, disconnectDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { queryOnce } from '../../src/db/query-once.ts';
import { CHANNEL } from '../../src/events/wakeups.ts';
import { givenAccount } from '../helpers/factories.ts';
import { type GatewayProcess, startGatewayProcess } from '../helpers/gateway-process.ts';
import { ledgerViolations } from '../helpers/invariants.ts';
import { loggedCursors } from '../helpers/logged-events.ts';
import { INTERNALS, MASKED_ERROR } from '../helpers/masked-errors.ts';
import { listenResuming, TASK_EVENTS, type TaskEvents } from '../helpers/resuming-listener.ts';
import { startRestartablePostgres } from '../helpers/restartable-postgres.ts';
import { type Call, failureShape, startStorm } from '../helpers/storm.ts';
import { subscribeSse, subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { waitUntil } from '../helpers/wait.ts';

const CLIENTS = 24;
// A never reads the log unwoken and does not sweep leases (a sweep wakes the log reader as
// a commit does): its log reads follow its own commits and LISTEN alone, so a LISTEN that
// did not come back shows. B sweeps often, so a transaction of its own is likely open when
// the database goes away. No rate limit for the storm.
const QUIET = { TASKGATE_EVENT_POLL_MS: '3600000', TASKGATE_LEASE_SWEEP_MS: '60000', TASKGATE_RATE_LIMIT: '0' };
const BUSY = { TASKGATE_LEASE_SWEEP_MS: '50', TASKGATE_RATE_LIMIT: '0' };
const PROBE = 'mutation { submitTask(input: { model: "upscale" }) { __typename } }';
const PROBE_WITH_ID = 'mutation { submitTask(input: { model: "upscale" }) { ... on Task { id } } }';
const PROBE_EVENTS = 'subscription { taskEvents { type task { id } } }';

interface ProbeEvents {
  taskEvents: { type: string; task: { id: string } };
}

function restarts(gateway: GatewayProcess): number {
  return gateway.process.output().match(/listening on/g)?.length ?? 0;
}

/** Fails at once, with what it printed last, when a gateway died: waiting for it to answer is then pointless. */
function expectRunning(...gateways: GatewayProcess[]): void {
  for (const gateway of gateways) {
    const code = gateway.process.child.exitCode ?? gateway.process.child.signalCode;
    if (code !== null) throw new Error(`gateway ${gateway.url} exited (${code}):\n${gateway.process.output().slice(-4_000)}`);
  }
}

describe('PostgreSQL restarted under a storm of clients and listeners', () => {
  it('answers masked errors while down, recovers by itself, and every listener resumes to get each event exactly once', async () => {
    // A server of this test's own: restarting the shared one would break the other test files.
    const postgres = await startRestartablePostgres('taskgate-restart-');
    const cleanup: (() => Promise<unknown>)[] = [() => postgres.remove()];
    try {
      await migrate(postgres.url);
      connectDatabase(postgres.url);
      const account = await givenAccount(1_000_000);
      await disconnectDatabase();
      const [a, b] = await Promise.all([startGatewayProcess(postgres.url, QUIET), startGatewayProcess(postgres.url, BUSY)]);
      cleanup.push(() => a.process.stop(), () => b.process.stop());
      const socket = wsClient(a.url, account.apiKey);
      cleanup.push(async () => {
        await socket.dispose();
      });

      // Two streams share one WebSocket on A; two SSE streams on B get A's commits from another instance.
      // One of each runs through the outage; the other is dropped in it and resumes while the database is down.
      const sseStatuses: number[] = [];
      const overWs = (after: string | undefined) => Promise.resolve(subscribeWs<TaskEvents>(socket, TASK_EVENTS, { after }));
      const overSse = async (after: string | undefined) => {
        const stream = await subscribeSse<TaskEvents>(b.url, account.apiKey, TASK_EVENTS, { after });
        sseStatuses.push(stream.status);
        return stream;
      };
      const steady = { ws: listenResuming(overWs), sse: listenResuming(overSse) };
      const dropped = { ws: listenResuming(overWs), sse: listenResuming(overSse) };
      const listeners = { 'steady ws': steady.ws, 'steady sse': steady.sse, 'dropped ws': dropped.ws, 'dropped sse': dropped.sse };
      cleanup.push(() => Promise.all(Object.values(listeners).map((listener) => listener.stop())));
      // A listener is live once it got an event; what it must receive counts from there.
      await waitUntil(async () => {
        await a.gql(PROBE, {}, account.apiKey);
        return Object.values(listeners).every((listener) => listener.cursors.length > 0);
      }, 15_000);
      const seeded = (await loggedCursors(postgres.url, account.accountId)).length;

      const calls = Array.from({ length: CLIENTS }, (_, n): Call => {
        const gateway = n % 2 === 0 ? a : b;
        return (query, variables) => gateway.gql(query, variables, account.apiKey);
      });
      const storm = startStorm(calls, { model: 'image-fast', prefix: 'storm' });
      cleanup.push(() => storm.abandon());
      await waitUntil(() => storm.progress().reduce((sum, n) => sum + n, 0) >= 2 * CLIENTS, 20_000);

      await postgres.stop();
      dropped.ws.interrupt();
      dropped.sse.interrupt();
      await waitUntil(() => storm.failures.length >= CLIENTS && dropped.ws.errors.length > 0 && dropped.sse.errors.length > 0, 15_000);
      // A new WebSocket, once its key is no longer remembered: told to try again later, a close
      // code graphql-ws clients retry on, not 4500, on which they give up for good.
      await waitUntil(async () => {
        const late = wsClient(a.url, account.apiKey);
        try {
          const first = await subscribeWs<TaskEvents>(late, TASK_EVENTS).next(1_000).catch(() => undefined);
          return first?.errors?.[0]?.message === '1013 Try again later';
        } finally {
          await late.dispose();
        }
      }, 10_000);
      const stalled = storm.progress();
      await postgres.start();
      // Every client gets on by itself: the same gateways, no restart.
      await waitUntil(() => {
        expectRunning(a, b);
        return storm.progress().every((n, index) => n >= (stalled[index] ?? 0) + 2);
      }, 30_000);
      const report = await storm.stop();

      // A commits nothing now and never reads the log unwoken: B's commits reach it through its LISTEN alone.
      const fresh = wsClient(a.url, account.apiKey);
      cleanup.push(async () => {
        await fresh.dispose();
      });
      const live = subscribeWs<ProbeEvents>(fresh, PROBE_EVENTS);
      /**
       * Whether the event of the task B submits now reaches A's stream within `ms`. The stream
       * may first get the storm's last events, which A's reader had not reached when it
       * registered: they are passed over, not taken for the probe's.
       */
      const probeArrives = async (ms: number): Promise<boolean> => {
        const probe = await b.gql<{ submitTask: { id: string } }>(PROBE_WITH_ID, {}, account.apiKey);
        const id = probe.data?.submitTask.id;
        const deadline = Date.now() + ms;
        while (Date.now() < deadline) {
          const event = (await live.next(Math.max(1, deadline - Date.now())).catch(() => undefined))?.data?.taskEvents;
          if (event?.task.id === id) return event?.type === 'SUBMITTED';
        }
        return false;
      };
      await waitUntil(() => probeArrives(1_000), 15_000);
      // The first may have come with A's catch-up on reconnecting; this one only by a notification.
      expect(await probeArrives(5_000)).toBe(true);

      const logged = await loggedCursors(postgres.url, account.accountId);
      await waitUntil(async () => {
        // A wake-up hint, as another instance sends, in case a read raced a background transaction.
        await queryOnce(postgres.url, `NOTIFY ${CHANNEL}`);
        return Object.values(listeners).every((listener) => listener.cursors.at(-1) === logged.at(-1));
      }, 15_000);
      for (const [name, listener] of Object.entries(listeners)) {
        const from = logged.indexOf(listener.cursors[0] ?? '');
        expect(from, name).toBeGreaterThanOrEqual(0);
        expect(from, name).toBeLessThan(seeded);
        expect(listener.cursors, `${name}: every event from its first, once, in log order`).toEqual(logged.slice(from));
      }
      // Streams open through the outage went on: a failed resume on their socket did not take them down.
      expect([steady.ws.resumes, steady.ws.errors, steady.sse.resumes, steady.sse.errors]).toEqual([0, [], 0, []]);
      for (const listener of [dropped.ws, dropped.sse]) {
        expect(listener.resumes).toBeGreaterThan(1);
        for (const error of listener.errors) expect(error).toMatchObject(MASKED_ERROR);
      }
      expect(new Set(sseStatuses)).toEqual(new Set([200, 500]));

      // While down: only masked errors; 500 when the operation could not run, 200 for a field
      // that failed in it (GraphQL over HTTP); never a client error, never a stack trace.
      const shapes = new Set(storm.failures.map(failureShape));
      for (const shape of shapes) {
        expect(['500 without data: Unexpected error. INTERNAL_SERVER_ERROR', '200 with data: Unexpected error. INTERNAL_SERVER_ERROR']).toContain(shape);
      }
      expect(JSON.stringify([storm.failures, dropped.ws.errors, dropped.sse.errors])).not.toMatch(INTERNALS);
      expect([a.process.child.exitCode, b.process.child.exitCode, restarts(a), restarts(b)]).toEqual([null, null, 1, 1]);

      expect(report.wrong).toEqual([]);
      expect(await ledgerViolations(postgres.url)).toEqual([]);
      connectDatabase(postgres.url);
      try {
        const tasks = await db().task.findMany({ where: { accountId: account.accountId }, select: { outTaskId: true, state: true } });
        const stormed = tasks.filter((task) => task.outTaskId !== null);
        expect(stormed.map((task) => task.outTaskId).sort()).toEqual([...report.submitted].sort());
        expect(stormed.filter((task) => task.state === 'CANCELLED').map((task) => task.outTaskId).sort()).toEqual([...report.cancelled].sort());
        const entries = await db().ledgerEntry.groupBy({ by: ['kind'], where: { accountId: account.accountId }, _count: true });
        expect(Object.fromEntries(entries.map((entry) => [entry.kind, entry._count]))).toEqual({
          GRANT: 1,
          HOLD: tasks.length,
          REFUND: report.cancelled.length,
        });
      } finally {
        await disconnectDatabase();
      }
    } finally {
      for (const step of cleanup.reverse()) await step();
    }
  }, 120_000);
});
