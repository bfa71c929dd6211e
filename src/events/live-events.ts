import { onCommit } from './commit-signal.ts';
import { EventHub } from './event-hub.ts';
import { startWakeups } from './wakeups.ts';
import { endRevokedStreams } from './revoked-streams.ts';
import { forgetCallers, KEY_REVOCATION_CHANNEL } from '../services/caller-cache.ts';
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
  listenerBuffer: number;
  pollMs: number;
}

export function startLiveEvents(options: LiveEventOptions): LiveEvents {
  const { databaseUrl, logger } = options;
  const reads = outageLog(logger, 'event log reader');
  const hub = new EventHub(reads, options.listenerBuffer);
  const wakeups = startWakeups({
    url: databaseUrl,
    onWake: () => {
      hub.wake();
    },
    channels: {
      // Keys remembered here are forgotten, and streams opened with a now revoked key end.
      [KEY_REVOCATION_CHANNEL]: () => {
        forgetCallers();
        endRevokedStreams(hub).catch((error: unknown) => {
          logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'ending revoked streams failed');
        });
      },
    },
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
