import { type LoggedEvent, readLog } from '../db/sql/event-log.ts';
import { encodeEventCursor } from './cursor.ts';
import type { EventHub, Transport } from './event-hub.ts';
import { closingIterator } from './closing-iterator.ts';
import { EventStream, type PreparedWrite, type WritableThrough, type Written } from './event-stream.ts';
import { sizeOfTask } from './payload-size.ts';
import { type EventPosition, isAfter } from './position.ts';
import { endedStream, slowConsumer, StreamClosed } from './stream-closed.ts';

export interface AccountStreamOptions {
  hub: EventHub;
  accountId: string;
  /** The API key the stream is opened with. */
  keyId: string;
  /** Replay the log after this position first; live only when absent. */
  after: EventPosition | null;
  accepts: (event: LoggedEvent) => boolean;
  transport: Transport;
}

export type StreamItem = LoggedEvent | StreamClosed;

const HISTORY_PAGE = 500;
/** An event's own fields, besides its task, as a response would print them. */
const EVENT_BYTES = 200;

function sizeOfItem(item: StreamItem): number {
  return item instanceof StreamClosed ? 0 : EVENT_BYTES + sizeOfTask(item.task);
}

/**
 * An account's events: first those logged after `after`, then live ones, in
 * log order with no gap and no duplicate. Live events are registered for
 * before the history is read, and the hub's position at registration splits
 * the two: history up to it, live after it. What the stream holds
 * undelivered, live events queued or a page of history, stays within the
 * hub's limits for a listener: past them, it ends with SLOW_CONSUMER.
 */
export async function accountEventStream(options: AccountStreamOptions): Promise<AsyncIterableIterator<StreamItem> & WritableThrough<LoggedEvent>> {
  let delivered: EventPosition | null = options.after;
  const resumeAfter = (): string | null => (delivered ? encodeEventCursor(delivered) : null);
  const limits = options.hub.listenerLimits;
  const live = new EventStream<StreamItem>(
    limits,
    sizeOfItem,
    () => slowConsumer(resumeAfter()),
    () => {
      registration.unregister();
    },
  );
  const registration = await options.hub.register(options.accountId, {
    sink: (event) => {
      if (options.accepts(event)) live.push(event);
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
    while (history.length === 0 && historyFrom) {
      const page = await readLog({ after: historyFrom, accountId: options.accountId, limit: HISTORY_PAGE, bytes: limits.bytes });
      const before = page.events.filter((event) => !isAfter(event, split));
      historyFrom = page.more && before.length === page.events.length ? (page.events.at(-1) ?? null) : null;
      history = before.filter(options.accepts);
    }
    return history.shift();
  }

  let prepare: ((event: LoggedEvent) => PreparedWrite) | undefined;
  const { deliveries } = options.hub;
  /** A live event written by the transport itself: past what was delivered, within the key's budget, as it can take it. */
  const writeLive = (item: StreamItem): Written => {
    if (item instanceof StreamClosed || !prepare) return false;
    if (delivered && !isAfter(item, delivered)) return true;
    const finish = (write: (() => void) | undefined): boolean => {
      // A write that settled after the client left sends nothing: its subscription is over.
      if (!write || !live.open || !deliveries.tryTake(options.keyId)) return false;
      write();
      delivered = item;
      return true;
    };
    const prepared = prepare(item);
    return prepared instanceof Promise ? prepared.then(finish) : finish(prepared);
  };

  const iterator = closingIterator(live, async () => {
    const replayed = await nextHistory();
    if (replayed) {
      delivered = replayed;
      return { value: replayed, done: false };
    }
    // The history is read: live events may go straight to a transport that writes them itself.
    if (prepare) live.writeThrough(writeLive);
    for (;;) {
      const result = await live.next();
      if (result.done || result.value instanceof StreamClosed) return result;
      const event = result.value;
      if (delivered && !isAfter(event, delivered)) continue;
      delivered = event;
      return result;
    }
  }, () => deliveries.take(options.keyId));
  return Object.assign(iterator, {
    writeThrough(transportPrepare: (event: LoggedEvent) => PreparedWrite) {
      prepare = transportPrepare;
    },
  });
}
