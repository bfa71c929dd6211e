import { pruneEvents } from '../services/prune-events.ts';

export interface EventRetention {
  stop(): Promise<void>;
}

const EVERY_MS = 60 * 60 * 1000;

/** Prunes the event log now and every hour; on every instance, which is harmless. */
export function startEventRetention(retentionDays: number, onError: (error: unknown) => void): EventRetention {
  let running = pruneEvents(retentionDays).then(() => undefined, onError);
  const timer = setInterval(() => {
    running = pruneEvents(retentionDays).then(() => undefined, onError);
  }, EVERY_MS).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
