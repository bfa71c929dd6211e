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
}

/**
 * Hands the oldest pending task to the worker: RUNNING, one more attempt, a
 * lease on the database's clock and a CLAIMED event, in one transaction.
 * `SKIP LOCKED` lets concurrent claimers pass each other, so none gets the
 * same task. Null when nothing is pending.
 */
export async function claimTask(command: ClaimCommand): Promise<TaskRow | null> {
  const leaseSeconds = validateLeaseSeconds(command.leaseSeconds);
  if (command.models?.length === 0) throw new InvalidParamError('models', 'Give at least one model, or omit models for any.');
  return (await commitClaim({ workerId: command.workerId, leaseSeconds, models: command.models, ...CLAIM })) ?? null;
}
