/**
 * Epoch milliseconds with the monotonic clock's fraction: comparable to the
 * `at` PostgreSQL stamps on an event (same machine, same wall clock), finer
 * than Date.now() for arrivals a fraction of a millisecond apart.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
