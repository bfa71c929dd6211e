import { onCommit } from './commit-signal.ts';
import { EventHub } from './event-hub.ts';
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
export function startLiveEvents(databaseUrl: string, log: (line: string) => void, pollMs = 200): LiveEvents {
  const hub = new EventHub((error) => {
    log(`event hub: ${error instanceof Error ? error.message : String(error)}`);
  });
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
  }, pollMs).unref();
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
