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
const gateway = useTestGateway({ listenerBuffer: BUFFER });

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

  it('is closed at once when its transport reports a full send buffer', async () => {
    const account = await givenAccount(100);
    let full = false;
    const stream = await accountEventStream({
      hub: gateway.events,
      accountId: account.accountId,
      keyId: UNUSED_KEY_ID,
      after: null,
      accepts: () => true,
      transport: 'websocket',
      backedUp: () => full,
    });
    full = true;
    await clientOf(gateway, account.apiKey).submit({ model: 'upscale' });
    const first = await stream.next();
    expect(first.value).toBeInstanceOf(StreamClosed);
    expect((await stream.next()).done).toBe(true);
  });
});
