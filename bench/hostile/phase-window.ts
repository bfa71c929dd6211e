import type { BenchGateway } from '../gateway.ts';
import type { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import { type RssSamples, sampleRss } from '../rss-sampler.ts';
import type { BenchContext } from '../scenario.ts';
import { readTask } from '../task-operations.ts';
import { measureThroughput } from '../throughput.ts';

/** Callers of the victim account, each reading its own tasks in a closed loop. */
export const VICTIM_CALLERS = 4;
const RSS_EVERY_MS = 100;

/** One gateway, the two tenants on it, and a worker of its queue. */
export interface Arena {
  context: BenchContext;
  gateway: BenchGateway;
  victim: { client: GraphQLHttpClient; taskIds: string[] };
  attacker: {
    apiKey: string;
    /** Its tasks with an input of about 0.8 MiB each, newest first. */
    largeTaskIds: string[];
  };
  /** A worker key's client, to make events on the attacker's tasks. */
  worker: GraphQLHttpClient;
}

export interface Window<T> {
  victim: Measured;
  rss: RssSamples;
  attack: T;
}

/**
 * The victim's closed loop for one phase's duration with the attack running
 * beside it, and the gateway's RSS sampled throughout: what one tenant's
 * callers see while another does its worst.
 */
export async function measureWindow<T>(arena: Arena, phase: string, attack: (durationMs: number) => Promise<T>): Promise<Window<T>> {
  const { gateway, victim, context } = arena;
  const { durationMs } = context.settings;
  const rss = sampleRss(gateway, RSS_EVERY_MS);
  let turn = 0;
  try {
    const [measured, attacked] = await Promise.all([
      measureThroughput({ server: gateway, runBy: phase, postgresCpu: context.postgresCpu }, 'task(id)', {
        concurrency: VICTIM_CALLERS,
        durationMs,
        next: () => {
          const id = victim.taskIds[turn++ % victim.taskIds.length] ?? '';
          return () => readTask(victim.client, id);
        },
      }),
      attack(durationMs),
    ]);
    return { victim: measured, attack: attacked, rss: await rss.stop() };
  } catch (error) {
    await rss.stop().catch(() => undefined);
    throw error;
  }
}
