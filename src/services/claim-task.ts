import { PRIORITY_RANGE, QUEUE_QUANTUM_US } from '../domain/scheduling.ts';
import { InvalidParamError } from '../domain/errors.ts';
import { CLAIM } from '../domain/task-machine.ts';
import { validateLeaseSeconds } from '../domain/validation.ts';
import { commitClaim } from '../db/sql/claim-task.ts';
import type { TaskRow } from '../db/sql/rows.ts';

export interface ClaimCommand {
  workerId: string;
  /** Only tasks of these models; null for any. */
  models: string[] | null;
  leaseSeconds: number;
  /** RUNNING tasks one account may have at once. */
  maxRunningPerAccount: number;
}

/**
 * How far past a model's head a claim looks, in tasks' shares of the queue:
 * 64 places, past the widest spread of priorities. Tasks further back wait
 * while every account ahead of them is at its cap.
 */
export const CLAIM_WINDOW = (64 + PRIORITY_RANGE.max - PRIORITY_RANGE.min) * QUEUE_QUANTUM_US;

/**
 * Hands the worker the first claimable task of the queue (fair across
 * accounts, by priority, past backoffs and accounts at their cap): RUNNING,
 * one more attempt, a lease on the database's clock and a CLAIMED event, in
 * one transaction.
 * `SKIP LOCKED` lets concurrent claimers pass each other, so none gets the
 * same task. Null when nothing is pending.
 */
export async function claimTask(command: ClaimCommand): Promise<TaskRow | null> {
  const leaseSeconds = validateLeaseSeconds(command.leaseSeconds);
  if (command.models?.length === 0) throw new InvalidParamError('models', 'Give at least one model, or omit models for any.');
  const { workerId, models, maxRunningPerAccount } = command;
  return (await commitClaim({ workerId, leaseSeconds, models, maxRunning: maxRunningPerAccount, window: CLAIM_WINDOW, ...CLAIM })) ?? null;
}
