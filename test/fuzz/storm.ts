import { Random } from './random.ts';
import { type FuzzSettings, replayHint } from './settings.ts';

/** One operation that got a wrong answer, with what is needed to send it again by hand. */
export interface Failure {
  index: number;
  sent: unknown;
  status: number;
  problems: string[];
  answer: string;
}

/** What one step of a storm sent and what was wrong with its answer. */
export interface Outcome {
  sent: unknown;
  status: number;
  problems: string[];
  answer: string;
}

/**
 * Runs `count` random steps, `concurrency` at a time. Each step gets its own
 * generator forked in order from the run's seed, so the operations (not the
 * interleaving) are the same on every replay of that seed.
 */
export async function storm(
  settings: FuzzSettings,
  salt: number,
  count: number,
  concurrency: number,
  step: (rng: Random, index: number) => Promise<Outcome>,
): Promise<Failure[]> {
  const root = new Random((settings.seed ^ salt) >>> 0);
  const generators = Array.from({ length: count }, () => root.fork());
  const failures: Failure[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const outcome = await step(generators[index] as Random, index);
      if (outcome.problems.length > 0) failures.push({ index, ...outcome });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return failures.sort((a, b) => a.index - b.index);
}

/** The assertion message of a storm: how to replay it, and the first failures in full. */
export function report(settings: FuzzSettings, what: string, failures: Failure[]): string {
  const shown = failures.slice(0, 3).map((failure) =>
    [
      `#${failure.index}: ${failure.problems.join('; ')} (status ${failure.status})`,
      `  sent: ${JSON.stringify(failure.sent).slice(0, 4_000)}`,
      `  answer: ${failure.answer.slice(0, 1_000)}`,
    ].join('\n'),
  );
  return [`${failures.length} of the ${what} got a wrong answer; replay with ${replayHint(settings)}`, ...shown].join('\n');
}
