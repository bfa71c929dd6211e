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

/**
 * The oldest pending task of the models in $3 (of every model when $3 is
 * null): the oldest of each model, one index probe apiece, then the oldest of
 * those. The others are locked only until this statement commits, and other
 * claimers pass over them meanwhile.
 */
const NEXT_PENDING = `
  SELECT oldest.id FROM "Model" model
  CROSS JOIN LATERAL (
    SELECT id, "createdAt" FROM "Task"
    WHERE state = 'PENDING' AND "modelName" = model.name
    ORDER BY "createdAt", id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
  ) oldest
  WHERE $3::text[] IS NULL OR model.name = ANY($3::text[])
  ORDER BY oldest."createdAt", oldest.id
  LIMIT 1`;

/** The claim as one statement: the task, its lease and its CLAIMED event commit together. */
export const CLAIM_TASK = statement(
  'claim_task',
  `
WITH next AS (${NEXT_PENDING}
), claimed AS (
  UPDATE "Task" t
  SET state = 'RUNNING', attempts = t.attempts + 1, progress = 0,
      "leaseOwner" = $1::uuid, "leaseSeconds" = $2::int,
      "leaseExpiresAt" = now() + make_interval(secs => $2::int),
      "startedAt" = COALESCE(t."startedAt", now()), "updatedAt" = now(), version = t.version + 1
  FROM next WHERE t.id = next.id
  RETURNING t.*
), claimed_event AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
  SELECT id, "accountId", 'CLAIMED'::"TaskEventType", state, progress FROM claimed
)
SELECT * FROM claimed`,
);

/**
 * Hands the oldest pending task to the worker: RUNNING, one more attempt, a
 * lease on the database's clock and a CLAIMED event, in one transaction.
 * `SKIP LOCKED` lets concurrent claimers pass each other, so none gets the
 * same task. Null when nothing is pending.
 */
export async function claimTask(command: ClaimCommand): Promise<Task | null> {
  const lease = validateLeaseSeconds(command.leaseSeconds);
  if (command.models?.length === 0) throw new InvalidParamError('models', 'Give at least one model, or omit models for any.');
  const [task] = await commitStatement<Task>(CLAIM_TASK, [command.workerId, lease, command.models]);
  return task ?? null;
}
