import { InvalidParamError } from '../../domain/errors.ts';
import type { TaskRow } from '../../db/sql/rows.ts';
import type { Context } from '../context.ts';

export const MAX_CLAIM_WAIT_SECONDS = 30;

/**
 * A claim that waits for work: it tries at once, then again at each of this
 * instance's wake-ups (a commit here, a hint from another instance, the slow
 * poll) until it gets a task or its time is up, so an idle worker gets a new
 * task moments after its submit without polling. A worker that leaves while
 * waiting is claimed nothing: it would only lose the task's attempt; one
 * waiting on an instance that stops is answered no task at once.
 */
export async function claimOrWait(claim: () => Promise<TaskRow | null>, waitSeconds: number, ctx: Context): Promise<TaskRow | null> {
  if (!Number.isInteger(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_CLAIM_WAIT_SECONDS) {
    throw new InvalidParamError('waitSeconds', `waitSeconds must be a whole number from 0 to ${MAX_CLAIM_WAIT_SECONDS}.`);
  }
  const until = Date.now() + waitSeconds * 1000;
  const signal = waitSeconds > 0 ? ctx.abortSignal() : undefined;
  for (;;) {
    // Armed before the claim reads, so a commit between the read and the wait is not missed.
    const woken = ctx.nextWake(Math.max(0, until - Date.now()), signal);
    const task = await claim();
    if (task || Date.now() >= until || signal?.aborted) return task;
    if (!(await woken) || signal?.aborted) return null;
  }
}
