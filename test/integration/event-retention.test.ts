import { describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { encodeEventCursor } from '../../src/events/cursor.ts';
import { pruneEvents } from '../../src/services/prune-events.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { rowId } from '../helpers/rows.ts';
import { subscribeWs, wsClient } from '../helpers/subscriptions.ts';

const gateway = useTestGateway();

const TASK_EVENTS = `subscription($after: String) { taskEvents(after: $after) { type task { id } } }`;

describe('event retention', () => {
  it('prunes events past the retention, and a cursor into the pruned log is refused with CURSOR_EXPIRED', async () => {
    const account = await givenAccount(100);
    const client = clientOf(gateway, account.apiKey);
    const old = await client.submit({ model: 'upscale', input: { age: 'old' } });
    const recent = await client.submit({ model: 'upscale', input: { age: 'recent' } });
    await db().taskEvent.updateMany({ where: { taskId: rowId(old.id) }, data: { at: new Date(Date.now() - 8 * 86_400_000) } });
    const oldEvent = await db().taskEvent.findFirstOrThrow({ where: { taskId: rowId(old.id) } });
    const recentEvent = await db().taskEvent.findFirstOrThrow({ where: { taskId: rowId(recent.id) } });

    expect(await pruneEvents(7)).toBe(1);
    expect(await db().taskEvent.count({ where: { taskId: rowId(old.id) } })).toBe(0);
    expect(await db().task.count({ where: { id: rowId(old.id) } })).toBe(1);

    const ws = wsClient(gateway.url, account.apiKey);
    try {
      const expired = subscribeWs(ws, TASK_EVENTS, { after: encodeEventCursor(oldEvent) });
      expect((await expired.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'CURSOR_EXPIRED' });

      const kept = subscribeWs<{ taskEvents: { type: string; task: { id: string } } }>(ws, TASK_EVENTS, {
        after: encodeEventCursor(recentEvent),
      });
      await client.cancel({ taskId: recent.id });
      expect((await kept.next())?.data?.taskEvents).toEqual({ type: 'CANCELLED', task: { id: recent.id } });
    } finally {
      await ws.dispose();
    }
  });
});
