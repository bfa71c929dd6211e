import { InvalidParamError } from '../domain/errors.ts';
import { validateLeaseSeconds } from '../domain/lease.ts';
import { statement } from '../db/statement.ts';
import type { Task } from '../generated/prisma/client.ts';
import { commitStatement } from './transaction.ts';

export interface ClaimCommand {
  workerId: string;
  /** Only tasks of these models; null for any. */
  models: string[] | null;
  leaseSeconds: number;
}

function claimStatement(name: string, pendingOfModels: string) {
  return statement(
    name,
    `
WITH next AS (
  SELECT id FROM "Task"
  WHERE state = 'PENDING' ${pendingOfModels}
  ORDER BY "createdAt", id
  LIMIT 1
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE "Task" t
  SET state = 'RUNNING', attempts = t.attempts + 1, progress = 0,
      "leaseOwner" = $1::uuid, "leaseSeconds" = $2::int,
      "leaseExpiresAt" = now() + make_interval(secs => $2::int),
      "startedAt" = COALESCE(t."startedAt", now()), "updatedAt" = now()
  FROM next WHERE t.id = next.id
  RETURNING t.*
), claimed_event AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
  SELECT id, "accountId", 'CLAIMED'::"TaskEventType", state, progress FROM claimed
)
SELECT * FROM claimed`,
  );
}

/** The claim as one statement: the task, its lease and its CLAIMED event commit together. */
export const CLAIM_ANY_TASK = claimStatement('claim_any_task', '');
export const CLAIM_TASK_OF_MODELS = claimStatement('claim_task_of_models', 'AND "modelName" = ANY($3::text[])');

/**
 * Hands the oldest pending task to the worker: RUNNING, one more attempt, a
 * lease on the database's clock and a CLAIMED event, in one transaction.
 * `SKIP LOCKED` lets concurrent claimers pass each other, so none gets the
 * same task. Null when nothing is pending.
 */
export async function claimTask(command: ClaimCommand): Promise<Task | null> {
  const lease = validateLeaseSeconds(command.leaseSeconds);
  if (command.models?.length === 0) throw new InvalidParamError('models', 'Give at least one model, or omit models for any.');
  const [task] = command.models
    ? await commitStatement<Task>(CLAIM_TASK_OF_MODELS, [command.workerId, lease, command.models])
    : await commitStatement<Task>(CLAIM_ANY_TASK, [command.workerId, lease]);
  return task ?? null;
}
