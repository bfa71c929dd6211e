import { onCommit } from '../db/commits.ts';
import { EventHub } from './event-hub.ts';
import type { StreamLimits } from './event-stream.ts';
import { startWakeups } from './wakeups.ts';
import type { Logger } from '../observability/logger.ts';
import { outageLog } from '../observability/outage-log.ts';

export interface LiveEvents {
  hub: EventHub;
  /** Whether this instance hears other instances' commits. */
  listening(): boolean;
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
  const hub = new EventHub(reads, options.listenerLimits, options.maxListenersPerKey);
  const wakeups = startWakeups({
    url: databaseUrl,
    onWake: () => {
      hub.wake();
    },
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
    hub.wake();
    wakeups.notify();
  });
  const poll = setInterval(() => {
    hub.wake();
  }, options.pollMs).unref();
  return {
    hub,
    listening: () => wakeups.connected(),
    async stop() {
      clearInterval(poll);
      stopCommits();
      await wakeups.stop();
      await hub.settled();
    },
  };
}
