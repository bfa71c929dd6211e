import pg from 'pg';

export const CHANNEL = 'taskgate_events';

export interface Wakeups {
  /** Tells every instance (this one too) that events committed; coalesced. */
  notify(): void;
  /** Whether the LISTEN connection is up, so hints from other instances arrive. */
  connected(): boolean;
  stop(): Promise<void>;
}

export interface WakeupOptions {
  url: string;
  /** Called on every notification, and after each (re)connection to catch up. */
  onWake: () => void;
  /**
   * Other channels heard on the same connection, each with what to do on a
   * notification and after each (re)connection, when some may have been missed.
   */
  channels?: Record<string, () => void>;
  /** At most one NOTIFY per this many milliseconds from this instance. */
  coalesceMs?: number;
  /** How connecting went, for the logs: failures are told once per outage. */
  connection: { failed(error: unknown): void; succeeded(): void };
}

/**
 * One connection per instance that LISTENs for and sends wake-up hints.
 * A hint carries no payload: it only makes instances read the event log, so
 * hints can be merged freely, and NOTIFY stays out of the transactions that
 * write events (inside them, its global commit lock would throttle writers).
 * The connection comes back by itself after PostgreSQL restarts.
 */
export function startWakeups(options: WakeupOptions): Wakeups {
  const coalesceMs = options.coalesceMs ?? 5;
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = 250;
  let reconnect: NodeJS.Timeout | undefined;
  let pending = false;
  let sending = false;

  // One attempt at a time: a failed or dropped connection schedules exactly one retry.
  const scheduleReconnect = (): void => {
    if (stopped || reconnect) return;
    reconnect = setTimeout(() => {
      reconnect = undefined;
      void connect();
    }, retryMs).unref();
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url });
    const channels = options.channels ?? {};
    let ownBackend: number | undefined;
    next.on('notification', ({ channel, processId }) => {
      // This instance's own hints: its commits woke it already, before it sent them.
      if (processId === ownBackend) return;
      (channels[channel] ?? options.onWake)();
    });
    next.on('error', () => undefined);
    try {
      await next.connect();
      ownBackend = (await next.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      await next.query(`LISTEN ${CHANNEL}`);
      for (const channel of Object.keys(channels)) await next.query(`LISTEN ${channel}`);
    } catch (error) {
      options.connection.failed(error);
      await next.end().catch(() => undefined);
      scheduleReconnect();
      return;
    }
    if (stopped) {
      await next.end();
      return;
    }
    next.on('end', () => {
      client = undefined;
      scheduleReconnect();
    });
    client = next;
    retryMs = 250;
    options.connection.succeeded();
    // Whatever was committed while disconnected is read now, here and, told now, on the other
    // instances: this one's hints of that time could not be sent.
    options.onWake();
    for (const onNotification of Object.values(channels)) onNotification();
    pending = true;
    send();
  };

  const send = (): void => {
    // Without a connection the hint waits for the next one, rather than being lost.
    if (sending || !pending || !client) return;
    sending = true;
    pending = false;
    const done = (): void => {
      setTimeout(() => {
        sending = false;
        send();
      }, coalesceMs).unref();
    };
    client.query(`NOTIFY ${CHANNEL}`).then(done, () => {
      pending = true;
      done();
    });
  };

  const started = connect();
  return {
    notify() {
      pending = true;
      send();
    },
    connected: () => client !== undefined,
    async stop() {
      stopped = true;
      clearTimeout(reconnect);
      await started;
      await client?.end().catch(() => undefined);
    },
  };
}
