/**
 * The seed and size of a fuzz run. Every run uses a new seed unless
 * TASKGATE_FUZZ_SEED fixes one, so CI explores new inputs over time; the
 * seed is in every test name and failure message, to replay a run exactly.
 * TASKGATE_FUZZ_RUNS is the number of operations of the POST storm; the
 * other storms take a share of it, by what one of their operations costs.
 */
export interface FuzzSettings {
  seed: number;
  runs: number;
}

const DEFAULT_RUNS = 300;

function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(text)}`);
  return value;
}

export function fuzzSettings(env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  return {
    seed: (positiveInteger('TASKGATE_FUZZ_SEED', env.TASKGATE_FUZZ_SEED) ?? Math.floor(Math.random() * 2 ** 31) + 1) >>> 0,
    runs: positiveInteger('TASKGATE_FUZZ_RUNS', env.TASKGATE_FUZZ_RUNS) ?? DEFAULT_RUNS,
  };
}

/** A storm's share of the runs, at least one operation. */
export function share(settings: FuzzSettings, fraction: number): number {
  return Math.max(1, Math.round(settings.runs * fraction));
}

/** The environment that replays this run. */
export function replayHint(settings: FuzzSettings): string {
  return `TASKGATE_FUZZ_SEED=${settings.seed} TASKGATE_FUZZ_RUNS=${settings.runs}`;
}
