import { expireLeases } from '../services/expire-leases.ts';

export interface LeaseExpiryLoop {
  stop(): Promise<void>;
}

const BATCH = 100;

/**
 * Sweeps expired leases every `intervalMs` (at once again while sweeps come
 * back full), so a lease is handled within about that long of its deadline.
 * Every instance runs one; they never handle the same expiry twice.
 */
export function startLeaseExpiry(intervalMs: number, onError: (error: unknown) => void): LeaseExpiryLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = (): void => {
    running = expireLeases(BATCH)
      .then((sweep) => sweep.requeued + sweep.failed >= BATCH)
      .catch((error: unknown) => {
        onError(error);
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
