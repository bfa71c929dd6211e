import { type LoggedEvent, readLog, settledEnd } from './event-log.ts';
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

const BATCH = 500;

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
  /** When the last event this hub handed out was committed. */
  private deliveredAt: Date | undefined;
  /** Reads and registrations run one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private readPending = false;

  constructor(
    /** How reads of the log went, for the logs: failures are told once per outage. */
    private readonly reads: { failed(error: unknown): void; succeeded(): void },
    /** How many undelivered events a listener may hold before it is cut off. */
    readonly listenerBuffer: number,
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
  register(accountId: string, { sink, keyId, end, transport }: Listener): Promise<Registration> {
    return new Promise((resolve, reject) => {
      this.enqueue(async () => {
        try {
          if (this.listeners === 0) this.position = await settledEnd();
        } catch (error) {
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
      const events = await readLog({ after: this.position, limit: BATCH });
      for (const event of events) {
        this.position = { txid: event.txid, id: event.id };
        this.deliveredAt = event.at;
        const forAccount = this.sinks.get(event.accountId);
        if (forAccount) for (const sink of forAccount) sink(event);
      }
      if (events.length < BATCH) return;
    }
  }
}
