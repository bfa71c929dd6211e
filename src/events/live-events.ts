import { onCommit } from '../db/commits.ts';
import { DeliveryBudget } from './delivery-budget.ts';
import { EventHub } from './event-hub.ts';
import type { StreamLimits } from './event-stream.ts';
import { startWakeups } from './wakeups.ts';
import type { Logger } from '../observability/logger.ts';
import { outageLog } from '../observability/outage-log.ts';

export interface LiveEvents {
  hub: EventHub;
  /** Whether this instance hears other instances' commits. */
  listening(): boolean;
  /** Also told whenever the hub is woken (a commit here or elsewhere, or the poll), for other readers of the log. */
  onWake(listener: () => void): void;
  stop(): Promise<void>;
}

/**
 * The event path of one instance: commits here wake its hub at once and send
 * a coalesced hint to the others; hints from the others wake it too; a slow
 * poll covers any hint lost while the LISTEN connection was down.
 */
export interface LiveEventOptions {
  databaseUrl: string;
  logger: Logger;
  listenerLimits: StreamLimits;
  /** Listeners one key may have on this instance at once. */
  maxListenersPerKey: number;
  /** Events one key's listeners may be handed per second on this instance, together; 0 for no bound. */
  deliveriesPerKey: number;
  pollMs: number;
  /**
   * Other channels heard on the same LISTEN connection, each with what this
   * instance does on a notification, and after each (re)connection, when one
   * may have been missed.
   */
  channels: Record<string, (hub: EventHub) => Promise<void>>;
}

export function startLiveEvents(options: LiveEventOptions): LiveEvents {
  const { databaseUrl, logger } = options;
  const reads = outageLog(logger, 'event log reader');
  const hub = new EventHub(reads, options.listenerLimits, options.maxListenersPerKey, new DeliveryBudget(options.deliveriesPerKey));
  const readers = new Set<() => void>();
  const wake = (): void => {
    hub.wake();
    for (const reader of readers) reader();
  };
  const wakeups = startWakeups({
    url: databaseUrl,
    onWake: wake,
    channels: Object.fromEntries(
      Object.entries(options.channels).map(([channel, heard]) => [
        channel,
        () => {
          heard(hub).catch((error: unknown) => {
            logger.warn({ channel, reason: error instanceof Error ? error.message : String(error) }, 'a notification could not be handled');
          });
        },
      ]),
    ),
    connection: outageLog(logger, 'LISTEN connection'),
  });
  const stopCommits = onCommit(() => {
    wake();
    wakeups.notify();
  });
  const poll = setInterval(wake, options.pollMs).unref();
  return {
    hub,
    listening: () => wakeups.connected(),
    onWake: (listener) => {
      readers.add(listener);
    },
    async stop() {
      clearInterval(poll);
      stopCommits();
      await wakeups.stop();
      await hub.settled();
    },
  };
}
