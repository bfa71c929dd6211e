import { onCommit } from './commit-signal.ts';
import { EventHub } from './event-hub.ts';
import { DEFAULT_LISTENER_BUFFER } from './stream-closed.ts';
import { startWakeups } from './wakeups.ts';

export interface LiveEvents {
  hub: EventHub;
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
  listenerBuffer?: number;
  pollMs?: number;
}

export function startLiveEvents(options: LiveEventOptions): LiveEvents {
  const { databaseUrl, log } = options;
  const hub = new EventHub((error) => {
    log(`event hub: ${error instanceof Error ? error.message : String(error)}`);
  }, options.listenerBuffer ?? DEFAULT_LISTENER_BUFFER);
  const wakeups = startWakeups({
    url: databaseUrl,
    onWake: () => {
      hub.wake();
    },
    log,
  });
  const stopCommits = onCommit(() => {
    hub.wake();
    wakeups.notify();
  });
  const poll = setInterval(() => {
    hub.wake();
  }, options.pollMs ?? 200).unref();
  return {
    hub,
    async stop() {
      clearInterval(poll);
      stopCommits();
      await wakeups.stop();
      await hub.settled();
    },
  };
}
