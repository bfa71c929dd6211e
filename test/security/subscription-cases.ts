import { expect } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { type StreamResult, subscribeSse, subscribeWs, type Subscription, wsClient } from '../helpers/subscriptions.ts';
import { workerOf } from '../helpers/worker.ts';
import { type CaseContext, type CrossAccountCase, NEVER_ISSUED_TASK, victimTaskIds } from './cross-account-case.ts';
import { SHARED_KEY } from './tenants.ts';
import { expectNothingOf } from './victim-traces.ts';

const TASK_UPDATED = 'subscription($taskId: ID, $outTaskId: String) { taskUpdated(taskId: $taskId, outTaskId: $outTaskId) { id state input } }';
const TASK_EVENTS = 'subscription($after: String, $filter: TaskEventFilter) { taskEvents(after: $after, filter: $filter) { cursor type task { id input } } }';

/** The first result of a subscription as the stranger, over each transport; every result must hold nothing of the victim. */
async function firstResults(context: CaseContext, query: string, variables: Record<string, unknown>): Promise<StreamResult<unknown>[]> {
  const client = wsClient(context.gateway.url, context.stranger.apiKey);
  const streams: Subscription<unknown>[] = [];
  try {
    streams.push(subscribeWs(client, query, variables));
    streams.push(await subscribeSse(context.gateway.url, context.stranger.apiKey, query, variables));
    const results = await Promise.all(streams.map((stream) => stream.next()));
    expectNothingOf(context.victim, results);
    return results.map((result) => result ?? {});
  } finally {
    await Promise.all(streams.map((stream) => stream.close()));
    await client.dispose();
  }
}

async function lastEventCursor(context: CaseContext, taskId: string): Promise<string> {
  const res = await context.gateway.gql<{ task: { events: { edges: { node: { cursor: string } }[] } } }>(
    'query($id: ID!) { task(id: $id) { ... on Task { events(first: 100) { edges { node { cursor } } } } } }',
    { id: taskId },
    context.stranger.apiKey,
  );
  const cursor = res.data?.task.events.edges.at(-1)?.node.cursor;
  if (!cursor) throw new Error(`no events of ${taskId}: ${JSON.stringify(res)}`);
  return cursor;
}

/** Changes to the victim's tasks, which a stream of the stranger's must never show. */
async function victimActivity(context: CaseContext): Promise<void> {
  await clientOf(context.gateway, context.victim.apiKey).cancel({ taskId: context.victim.tasks.shared });
  await workerOf(context.gateway, context.victim.workerKey).progress(context.victim.tasks.running, 0.2);
}

export const SUBSCRIPTION_CASES: Record<string, CrossAccountCase> = {
  "taskUpdated refuses another account's task, over WebSocket and SSE, exactly as one never issued": {
    covers: ['Subscription.taskUpdated'],
    async run(context) {
      const unknown = await firstResults(context, TASK_UPDATED, { taskId: NEVER_ISSUED_TASK });
      expect(unknown.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['TASK_NOT_FOUND', 'TASK_NOT_FOUND']);
      for (const taskId of victimTaskIds(context)) expect(await firstResults(context, TASK_UPDATED, { taskId })).toEqual(unknown);
      expect(await firstResults(context, TASK_UPDATED, { outTaskId: context.victim.ownKey })).toEqual(
        await firstResults(context, TASK_UPDATED, { outTaskId: 'never-issued' }),
      );
      const own = await firstResults(context, TASK_UPDATED, { outTaskId: SHARED_KEY });
      expect(own.map((result) => result.data)).toEqual(
        Array.from({ length: 2 }, () => ({ taskUpdated: { id: context.stranger.sharedTask, state: 'PENDING', input: { owner: 'stranger' } } })),
      );
    },
  },

  "taskEvents streams the caller's events only, whatever the filter or cursor": {
    covers: ['Subscription.taskEvents'],
    async run(context) {
      const unknownCursor = await firstResults(context, TASK_EVENTS, { after: Buffer.from('ev1:1:1').toString('base64url') });
      expect(unknownCursor[0]?.errors?.[0]?.extensions?.code).toBe('CURSOR_EXPIRED');
      expect(await firstResults(context, TASK_EVENTS, { after: context.victim.cursors.eventStream })).toEqual(unknownCursor);

      // From the stranger's last event on, so both streams see everything after it, live or not.
      const after = await lastEventCursor(context, context.stranger.doneTask);
      const client = wsClient(context.gateway.url, context.stranger.apiKey);
      try {
        const everything = subscribeWs<{ taskEvents: { type: string; task: { id: string } } }>(client, TASK_EVENTS, { after });
        const aimed = subscribeWs(client, TASK_EVENTS, { after, filter: { taskIds: victimTaskIds(context) } });
        await victimActivity(context);
        await clientOf(context.gateway, context.stranger.apiKey).cancel({ taskId: context.stranger.sharedTask });
        // In log order, any event of the victim's would come before this one.
        const next = await everything.next();
        expectNothingOf(context.victim, next);
        expect(next?.data?.taskEvents).toMatchObject({ type: 'CANCELLED', task: { id: context.stranger.sharedTask } });
        await expect(aimed.next(300)).rejects.toThrow(/no result/);
        await Promise.all([everything.close(), aimed.close()]);
      } finally {
        await client.dispose();
      }
    },
  },
};
