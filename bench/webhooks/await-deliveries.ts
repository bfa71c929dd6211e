import { setTimeout as sleep } from 'node:timers/promises';
import type { Inbox } from './inbox.ts';

const POLL_MS = 20;
/**
 * Nothing new for this long and the rest is not coming: longer than the
 * dispatcher's 1 s poll and than the gap between two turns of an endpoint,
 * so a slow but working gateway is never cut short.
 */
const STALL_MS = 20_000;
/** After the last expected message, how long repeats of it are waited for. */
export const LINGER_MS = 500;

/** Waits until each inbox has `expected[i]` distinct messages, or none came for STALL_MS; whether all came. */
export async function awaitDeliveries(inboxes: readonly Inbox[], expected: readonly number[]): Promise<boolean> {
  const complete = (): boolean => inboxes.every((inbox, index) => inbox.unique >= (expected[index] ?? 0));
  const received = (): number => inboxes.reduce((sum, inbox) => sum + inbox.arrivals.length, 0);
  let seen = received();
  let progressAt = performance.now();
  while (!complete()) {
    if (performance.now() - progressAt > STALL_MS) return false;
    await sleep(POLL_MS);
    const now = received();
    if (now !== seen) {
      seen = now;
      progressAt = performance.now();
    }
  }
  return true;
}

/** Gives repeats of the last messages time to arrive, so duplicates at the end are counted too. */
export function lingerForRepeats(): Promise<void> {
  return sleep(LINGER_MS).then(() => undefined);
}
