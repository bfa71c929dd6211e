import type { BenchServer } from './child-server.ts';
import { closedLoop } from './closed-loop.ts';
import { GraphQLHttpClient } from './graphql-http.ts';
import { cancelTask, readTask, submitTask } from './task-operations.ts';

/**
 * How long a gateway is driven before a request scenario measures it: its hot
 * paths are compiled by then, as the task scenario's baselines are warmed
 * before theirs. Unwarmed, the first window on a fresh process paid for
 * its compilation (on this machine, V8's background threads took over a
 * second of CPU in it, a quarter of one in the next).
 */
export const WARM_UP_MS = 2_000;
const CALLERS = 32;

/** Submits, reads and cancels of `apiKey`'s account on the gateway for WARM_UP_MS, unmeasured; fails if none went through. */
export async function warmUpGateway(gateway: BenchServer, apiKey: string): Promise<void> {
  const client = new GraphQLHttpClient(gateway.url, apiKey, CALLERS);
  try {
    const loop = await closedLoop({
      concurrency: CALLERS,
      durationMs: WARM_UP_MS,
      next: () => async () => {
        const id = await submitTask(client);
        await readTask(client, id);
        await cancelTask(client, id);
      },
    });
    if (loop.latencies.length === 0) throw new Error(`the gateway's warm-up got no answer: ${loop.firstError ?? 'no request went out'}`);
  } finally {
    client.close();
  }
}
