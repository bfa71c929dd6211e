import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountEventStream, type StreamItem } from '../../src/events/account-event-stream.ts';
import { decodeEventCursor } from '../../src/events/cursor.ts';
import { StreamClosed } from '../../src/events/stream-closed.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { waitUntil } from '../helpers/wait.ts';

const BUFFER = 20;
const gateway = useTestGateway({ listenerBuffer: BUFFER, env: { TASKGATE_LISTENER_BUFFER_BYTES: String(512 * 1024) } });

async function drain(stream: AsyncIterator<StreamItem>, count: number): Promise<StreamItem[]> {
  const items: StreamItem[] = [];
  for (let i = 0; i < count; i++) {
    const result = await stream.next();
    if (result.done) break;
    items.push(result.value);
  }
  return items;
}

// These streams are opened below the transports, so no key of theirs is ever revoked.
const UNUSED_KEY_ID = randomUUID();

describe('a listener that stops reading', () => {
  it('is closed with a reason and a cursor, frees its place, and resuming from that cursor loses nothing', async () => {
    const account = await givenAccount(10_000);
    const client = clientOf(gateway, account.apiKey);
    const everything = () => true;
    const before = gateway.events.listenerCount;
    const slow = await accountEventStream({ hub: gateway.events, accountId: account.accountId, keyId: UNUSED_KEY_ID, after: null, accepts: everything, transport: 'sse' });
    const reader = await accountEventStream({ hub: gateway.events, accountId: account.accountId, keyId: UNUSED_KEY_ID, after: null, accepts: everything, transport: 'sse' });

    // The reading listener pulls all along; the slow one takes one event, then stops.
    const reading = drain(reader, BUFFER * 2);
    const firstSeen = drain(slow, 1);
    for (let n = 0; n < BUFFER * 2; n++) await client.submit({ model: 'upscale', input: { n } });

    const read = await reading;
    expect(read).toHaveLength(BUFFER * 2);
    await waitUntil(() => gateway.events.listenerCount === before + 1);

    const rest = await drain(slow, BUFFER * 3);
    const closed = rest.at(-1);
    expect(closed).toBeInstanceOf(StreamClosed);
    expect(closed).toMatchObject({ code: 'SLOW_CONSUMER', resumeAfter: expect.any(String) as string });
    expect((await slow.next()).done).toBe(true);

    const resumeAfter = decodeEventCursor((closed as StreamClosed).resumeAfter ?? '');
    const resumed = await accountEventStream({ hub: gateway.events, accountId: account.accountId, keyId: UNUSED_KEY_ID, after: resumeAfter ?? null, accepts: everything, transport: 'sse' });
    const delivered = [...(await firstSeen), ...rest.slice(0, -1), ...(await drain(resumed, BUFFER * 2 - 1 - (rest.length - 1)))];
    expect(delivered.map((item) => ('taskId' in item ? item.taskId : null))).toEqual(
      read.map((item) => ('taskId' in item ? item.taskId : null)),
    );
    await resumed.return?.();
    await reader.return?.();
  });

  it('is closed once what it holds passes its bytes, however few events that is', async () => {
    const account = await givenAccount(1_000);
    const client = clientOf(gateway, account.apiKey);
    const stream = await accountEventStream({
      hub: gateway.events,
      accountId: account.accountId,
      keyId: UNUSED_KEY_ID,
      after: null,
      accepts: () => true,
      transport: 'sse',
    });
    const before = gateway.events.listenerCount;
    // Three tasks of about 300 KiB each: well under the count, over the 512 KiB the gateway allows.
    const heavy = 'x'.repeat(300 * 1024);
    for (let n = 0; n < 3; n++) await client.submit({ model: 'upscale', input: { n, heavy } });
    await waitUntil(() => gateway.events.listenerCount === before - 1);

    const items = await drain(stream, 5);
    expect(items.at(-1)).toMatchObject({ code: 'SLOW_CONSUMER' });
    expect(items.length).toBeLessThan(3);
    expect((await stream.next()).done).toBe(true);
  });
});
