/** Processes that may die and be started again within the window before the primary gives up. */
const RESTARTS = 5;
const WINDOW_MS = 60_000;

/**
 * How many dead processes a primary starts again: a process that dies now
 * and then is replaced; one that dies as soon as it starts, over and over,
 * is a fault a restart will not mend.
 */
export function restartBudget(): { take(): boolean } {
  const taken: number[] = [];
  return {
    take() {
      const now = Date.now();
      while (taken.length > 0 && (taken[0] ?? 0) <= now - WINDOW_MS) taken.shift();
      if (taken.length >= RESTARTS) return false;
      taken.push(now);
      return true;
    },
  };
}
