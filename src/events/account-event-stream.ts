import { encodeEventCursor } from './cursor.ts';
import type { EventHub, Transport } from './event-hub.ts';
import { type LoggedEvent, readLog } from './event-log.ts';
import { closingIterator, EventStream } from './event-stream.ts';
import { type EventPosition, isAfter } from './position.ts';
import { endedStream, slowConsumer, type StreamClosed } from './stream-closed.ts';

export interface AccountStreamOptions {
  hub: EventHub;
  accountId: string;
  /** The API key the stream is opened with. */
  keyId: string;
  /** Replay the log after this position first; live only when absent. */
  after: EventPosition | null;
  accepts: (event: LoggedEvent) => boolean;
  transport: Transport;
  /** True while the transport cannot take more (a WebSocket's send buffer is full). */
  backedUp?: () => boolean;
}

export type StreamItem = LoggedEvent | StreamClosed;

const HISTORY_PAGE = 500;

/**
 * An account's events: first those logged after `after`, then live ones, in
 * log order with no gap and no duplicate. Live events are registered for
 * before the history is read, and the hub's position at registration splits
 * the two: history up to it, live after it.
 */
export async function accountEventStream(options: AccountStreamOptions): Promise<AsyncIterableIterator<StreamItem>> {
  let delivered: EventPosition | null = options.after;
  const resumeAfter = (): string | null => (delivered ? encodeEventCursor(delivered) : null);
  const live = new EventStream<StreamItem>(
    options.hub.listenerBuffer,
    () => slowConsumer(resumeAfter()),
    () => {
      registration.unregister();
    },
  );
  const registration = await options.hub.register(options.accountId, {
    sink: (event) => {
      if (!options.accepts(event)) return;
      if (options.backedUp?.()) live.cut(slowConsumer(resumeAfter()));
      else live.push(event);
    },
    keyId: options.keyId,
    transport: options.transport,
    end: (reason) => {
      live.cut(endedStream(reason, resumeAfter()));
    },
  });
  const split = registration.position;
  let history: LoggedEvent[] = [];
  let historyFrom: EventPosition | null = options.after;

  async function nextHistory(): Promise<LoggedEvent | undefined> {
    if (history.length === 0 && historyFrom) {
      const page = await readLog({ after: historyFrom, accountId: options.accountId, limit: HISTORY_PAGE });
      history = page.filter((event) => !isAfter(event, split));
      historyFrom = history.length === HISTORY_PAGE ? (history.at(-1) ?? null) : null;
      history = history.filter(options.accepts);
      if (history.length === 0 && historyFrom) return nextHistory();
    }
    return history.shift();
  }

  return closingIterator(live, async () => {
    const replayed = await nextHistory();
    if (replayed) {
      delivered = replayed;
      return { value: replayed, done: false };
    }
    for (;;) {
      const result = await live.next();
      if (result.done || !('txid' in result.value)) return result;
      const event = result.value;
      if (delivered && !isAfter(event, delivered)) continue;
      delivered = event;
      return result;
    }
  });
}
