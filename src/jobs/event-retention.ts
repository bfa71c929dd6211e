import { pruneEvents } from '../services/prune-events.ts';

export interface EventRetention {
  stop(): Promise<void>;
}

export interface EventRetentionReports {
  pruned(count: number): void;
  failed(error: unknown): void;
}

const EVERY_MS = 60 * 60 * 1000;

/** Prunes the event log now and every hour; on every instance, which is harmless. */
export function startEventRetention(retentionDays: number, reports: EventRetentionReports): EventRetention {
  const prune = (): Promise<void> =>
    pruneEvents(retentionDays).then(
      (count) => {
        reports.pruned(count);
      },
      (error: unknown) => {
        reports.failed(error);
      },
    );
  let running = prune();
  const timer = setInterval(() => {
    running = prune();
  }, EVERY_MS).unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
