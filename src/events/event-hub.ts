import { type LoggedEvent, readLog, settledEnd } from '../db/sql/event-log.ts';
import { SubscriptionLimitError } from '../domain/errors.ts';
import { DeliveryBudget } from './delivery-budget.ts';
import type { StreamLimits } from './event-stream.ts';
import { type EventPosition, LOG_START } from './position.ts';

export type EventSink = (event: LoggedEvent) => void;

export type EndReason = 'SHUTTING_DOWN' | 'KEY_REVOKED';

/** How a listener's events leave this instance. */
export type Transport = 'websocket' | 'sse';

export interface Listener {
  sink: EventSink;
  transport: Transport;
  /** The key the stream was opened with: revoking it ends the stream. */
  keyId: string;
  /** Ends the listener's stream for `reason`, with a cursor to resume from where there is one. */
  end: (reason: EndReason) => void;
}

export interface Registration {
  /** Every event after this position reaches the sink; none at or before it. */
  readonly position: EventPosition;
  unregister(): void;
}

/** Registered under this instead of an account, a sink gets every account's events: a worker's own stream, which it filters. */
export const ALL_ACCOUNTS = '*';

const BATCH = 500;
/** One read holds each task once, however many of its events it has; this bounds the tasks. */
const BATCH_BYTES = 64 * 1024 * 1024;
/** Listeners handed an event between two turns of the event loop. */
const FANOUT_TURN = 256;

/**
 * This instance's one reader of the event log. Woken by commits here and by
 * hints from other instances, it reads what settled since its position and
 * hands each event to the sinks registered for the event's account, in log
 * order. It reads nothing while nobody listens.
 */
export class EventHub {
  private position: EventPosition = LOG_START;
  private readonly sinks = new Map<string, Set<EventSink>>();
  private readonly ends = new Set<Pick<Listener, 'keyId' | 'end'>>();
  private listeners = 0;
  private readonly byTransport: Record<Transport, number> = { websocket: 0, sse: 0 };
  private readonly perKey = new Map<string, number>();
  /** When the last event this hub handed out was committed. */
  private deliveredAt: Date | undefined;
  /** Reads and registrations run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private readPending = false;

  constructor(
    /** How reads of the log went, for the logs: failures are told once per outage. */
    private readonly reads: { failed(error: unknown): void; succeeded(): void },
    /** How much a listener may hold undelivered before it is cut off. */
    readonly listenerLimits: StreamLimits,
    /** Listeners one key may have registered here at once. */
    private readonly maxPerKey: number,
    /** How fast one key's listeners may be handed events, together. */
    readonly deliveries: DeliveryBudget = new DeliveryBudget(0),
  ) {}

  /** Reads the log soon; wakes arriving while a read runs merge into one more read. */
  wake(): void {
    if (this.readPending || this.listeners === 0) return;
    this.readPending = true;
    this.enqueue(async () => {
      this.readPending = false;
      await this.drain();
      this.reads.succeeded();
    });
  }

  /** Registers a sink for an account's events; resolves once the hub is current. */
  /**
   * Registers a sink for an account's events; resolves once the hub is
   * current. A key over its number of listeners is refused at once.
   */
  register(accountId: string, { sink, keyId, end, transport }: Listener): Promise<Registration> {
    const held = this.perKey.get(keyId) ?? 0;
    if (held >= this.maxPerKey) return Promise.reject(new SubscriptionLimitError('key', this.maxPerKey));
    this.perKey.set(keyId, held + 1);
    const release = (): void => {
      const count = (this.perKey.get(keyId) ?? 1) - 1;
      if (count > 0) this.perKey.set(keyId, count);
      else this.perKey.delete(keyId);
    };
    return new Promise((resolve, reject) => {
      this.enqueue(async () => {
        try {
          if (this.listeners === 0) this.position = await settledEnd();
        } catch (error) {
          release();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const forAccount = this.sinks.get(accountId) ?? new Set<EventSink>();
        this.sinks.set(accountId, forAccount);
        forAccount.add(sink);
        const ending = { keyId, end };
        this.ends.add(ending);
        this.listeners += 1;
        this.byTransport[transport] += 1;
        let registered = true;
        resolve({
          position: this.position,
          unregister: () => {
            if (!registered) return;
            registered = false;
            release();
            this.listeners -= 1;
            this.byTransport[transport] -= 1;
            forAccount.delete(sink);
            this.ends.delete(ending);
            if (forAccount.size === 0) this.sinks.delete(accountId);
          },
        });
      });
    });
  }

  /** Ends every listener's stream with a reason and a cursor to resume from elsewhere. */
  shutDown(): void {
    for (const { end } of [...this.ends]) end('SHUTTING_DOWN');
  }

  /** The keys that streams are open with. */
  keyIds(): Set<string> {
    return new Set([...this.ends].map(({ keyId }) => keyId));
  }

  /** Ends the streams opened with any of these keys. */
  endKeys(keyIds: ReadonlySet<string>): void {
    for (const { keyId, end } of [...this.ends]) if (keyIds.has(keyId)) end('KEY_REVOKED');
  }

  get listenerCount(): number {
    return this.listeners;
  }

  /** Open listeners by transport. */
  listenersByTransport(): Record<Transport, number> {
    return { ...this.byTransport };
  }

  /** When the last event delivered here was written; undefined before the first. */
  get lastDeliveredAt(): Date | undefined {
    return this.deliveredAt;
  }

  /** Resolves when everything queued so far is done. */
  settled(): Promise<void> {
    return this.queue;
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.reads.failed(error);
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.listeners === 0) return;
      const { events, more } = await readLog({ after: this.position, limit: BATCH, bytes: BATCH_BYTES });
      let handed = 0;
      for (const event of events) {
        this.position = { txid: event.txid, id: event.id };
        this.deliveredAt = event.at;
        for (const sinks of [this.sinks.get(event.accountId), this.sinks.get(ALL_ACCOUNTS)]) {
          for (const sink of sinks ?? []) {
            sink(event);
            // Each sink's listener runs its operation right after: in turns, so other requests get their share.
            if (++handed % FANOUT_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
          }
        }
      }
      if (!more) return;
    }
  }
}
