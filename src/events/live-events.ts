import { onCommit } from './commit-signal.ts';
import { EventHub } from './event-hub.ts';
import { startWakeups } from './wakeups.ts';
import { endRevokedStreams } from './revoked-streams.ts';
import { forgetCallers, KEY_REVOCATION_CHANNEL } from '../services/caller-cache.ts';

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
  log: (line: string) => void;
  listenerBuffer: number;
  pollMs: number;
}

export function startLiveEvents(options: LiveEventOptions): LiveEvents {
  const { databaseUrl, log } = options;
  const hub = new EventHub((error) => {
    log(`event hub: ${error instanceof Error ? error.message : String(error)}`);
  }, options.listenerBuffer);
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
          log(`ending revoked streams: ${error instanceof Error ? error.message : String(error)}`);
        });
      },
    },
    log,
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
