/** One request of a load loop; resolves when it succeeded, rejects when it did not. */
export type Request = () => Promise<void>;

export interface LoopOptions {
  concurrency: number;
  durationMs: number;
  /** Caller `caller`'s next request, or undefined when there is no more work. */
  next: (caller: number) => Request | undefined;
}

export interface LoopResult {
  /** Latency of each successful request, in ms. */
  latencies: number[];
  errors: number;
  firstError?: string;
  elapsedMs: number;
}

/**
 * `concurrency` callers, each sending its next request as soon as the last
 * one answered, until the time is up or the work runs out: throughput at a
 * fixed concurrency, with latency measured per request.
 */
export async function closedLoop(options: LoopOptions): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const caller = async (_: unknown, index: number): Promise<void> => {
    while (performance.now() < deadline) {
      const request = options.next(index);
      if (!request) return;
      const sent = performance.now();
      try {
        await request();
        latencies.push(performance.now() - sent);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  return { latencies, errors, firstError, elapsedMs: performance.now() - started };
}
