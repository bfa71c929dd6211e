import { type GatewayClient, sleep, withRetry } from './gateway-client.ts';
import type { Cancellations } from './cancellations.ts';
import { type Answer, CLAIM, type ClaimedTask, COMPLETE, isRefusal, PROGRESS, type Refusal } from './worker-operations.ts';

export interface WorkerOptions {
  client: GatewayClient;
  /** Models to take; null for any. */
  models: string[] | null;
  leaseSeconds: number;
  /** The simulated work: `steps` progress reports, `stepMs` apart. */
  steps: number;
  stepMs: number;
  /** How long a claim waits at the gateway for a task to be submitted, when none is pending. */
  waitSeconds: number;
  /** After a failed claim, how long to wait before asking again. */
  idleMs: number;
  /** Tells the work in hand when its task is cancelled; without it, the next report finds out. */
  cancellations?: Cancellations;
  /** Stop claiming when aborted. */
  signal: AbortSignal;
  /** Finish the task in hand after the signal (a worker told to stop), or drop it at once (one inside a gateway that is stopping). */
  finishInHand: boolean;
  log: (line: string) => void;
}

/** Runs one task to completion; false when the lease was lost and the task abandoned. */
async function work(task: ClaimedTask, options: WorkerOptions): Promise<boolean> {
  const watch = options.cancellations?.watch(task.id);
  try {
    return await workOn(task, options, watch?.signal);
  } finally {
    watch?.release();
  }
}

async function workOn(task: ClaimedTask, options: WorkerOptions, cancelled: AbortSignal | undefined): Promise<boolean> {
  const stop = options.finishInHand ? new AbortController().signal : options.signal;
  const until = cancelled ? AbortSignal.any([stop, cancelled]) : stop;
  const call = (query: string, variables: Record<string, unknown>, field: string): Promise<Answer> =>
    withRetry(
      async () => (await options.client.request<Record<string, Answer>>(query, variables))[field] as Answer,
      until,
      (error, delayMs) => {
        options.log(`${task.id}: ${error.message}; retrying in ${Math.round(delayMs)} ms`);
      },
    );
  const lease = { taskId: task.id, attempt: task.attempts };
  for (let step = 1; step <= options.steps; step++) {
    await sleep(options.stepMs, until);
    if (cancelled?.aborted) return false;
    if (until.aborted) {
      options.log(`${task.id}: dropped on stop; its lease puts it back in the queue`);
      return false;
    }
    const answer =
      step < options.steps
        ? await call(PROGRESS, { ...lease, progress: step / options.steps }, 'reportProgress')
        : await call(COMPLETE, { ...lease, output: { model: task.model, simulated: true } }, 'completeTask');
    if (isRefusal(answer)) {
      options.log(`${task.id}: ${answer.code}, abandoning it (${answer.message})`);
      return false;
    }
  }
  options.log(`${task.id}: completed (${task.model}, attempt ${task.attempts})`);
  return true;
}

/**
 * Claims and runs tasks until the signal aborts: claim, report progress on a
 * schedule, complete. LeaseLostError abandons the task; transport failures are
 * retried with backoff.
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { signal } = options;
  const stopped = (): boolean => signal.aborted;
  while (!stopped()) {
    let claimed: ClaimedTask | Refusal | null;
    try {
      const data = await withRetry(
        () =>
          options.client.request<{ claimTask: ClaimedTask | Refusal | null }>(
            CLAIM,
            { models: options.models, leaseSeconds: options.leaseSeconds, waitSeconds: options.waitSeconds },
            signal,
          ),
        signal,
        (error, delayMs) => {
          options.log(`claim: ${error.message}; retrying in ${Math.round(delayMs)} ms`);
        },
      );
      claimed = data.claimTask;
    } catch (error) {
      if (stopped()) break;
      options.log(`claim failed: ${error instanceof Error ? error.message : String(error)}`);
      await sleep(options.idleMs, signal);
      continue;
    }
    // The claim waited at the gateway: one that found nothing asks again at once.
    if (claimed === null) {
      continue;
    } else if (isRefusal(claimed)) {
      throw new Error(`the gateway refused this worker: ${claimed.code} ${claimed.message}`);
    } else {
      await work(claimed, options);
    }
  }
}
