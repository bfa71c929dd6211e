import { type ExpirySweep, expireLeases } from '../services/expire-leases.ts';

export interface LeaseExpiryLoop {
  stop(): Promise<void>;
}

const BATCH = 100;

/**
 * Sweeps expired leases every `intervalMs` (at once again while sweeps come
 * back full), so a lease is handled within about that long of its deadline.
 * Every instance runs one; they never handle the same expiry twice.
 */
export interface LeaseExpiryReports {
  swept(sweep: ExpirySweep): void;
  failed(error: unknown): void;
}

export function startLeaseExpiry(intervalMs: number, reports: LeaseExpiryReports): LeaseExpiryLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = (): void => {
    running = expireLeases(BATCH)
      .then((sweep) => {
        reports.swept(sweep);
        return sweep.requeued + sweep.failed >= BATCH || sweep.deadlines >= BATCH;
      })
      .catch((error: unknown) => {
        reports.failed(error);
        return false;
      })
      .then((full) => {
        if (!stopped) timer = setTimeout(tick, full ? 0 : intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
