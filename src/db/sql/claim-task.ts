import type { TaskRow } from './rows.ts';
import { sql } from './statement.ts';
import { taskEventCte } from './task-events.ts';
import { commitStatement } from './transaction.ts';

export interface ClaimValues {
  workerId: string;
  leaseSeconds: number;
  /** Only tasks of these models; null for any. */
  models: string[] | null;
  /** The machine's decision for a claimed task: its state and its event. */
  state: string;
  event: string;
}

/**
 * The oldest pending task of the models given (of every model when none
 * are): the oldest of each model, one index probe apiece, then the oldest of
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
  WHERE :models::text[] IS NULL OR model.name = ANY(:models::text[])
  ORDER BY oldest."createdAt", oldest.id
  LIMIT 1`;

/**
 * The claim as one statement: the machine's claim (RUNNING, one more
 * attempt, progress 0, a lease on the database's clock, startedAt kept from
 * a first claim) and its event commit together.
 */
export const CLAIM_TASK = sql<ClaimValues>(
  'claim_task',
  `
WITH next AS (${NEXT_PENDING}
), claimed AS (
  UPDATE "Task" t
  SET state = :state::"TaskState", attempts = t.attempts + 1, progress = 0,
      "leaseOwner" = :workerId::uuid, "leaseSeconds" = :leaseSeconds::int,
      "leaseExpiresAt" = now() + make_interval(secs => :leaseSeconds::int),
      "startedAt" = COALESCE(t."startedAt", now()), "updatedAt" = now(), version = t.version + 1
  FROM next WHERE t.id = next.id
  RETURNING t.*
), ${taskEventCte('claimed_event', 'claimed', ':event')}
SELECT * FROM claimed`,
);

/** Commits a claim of the oldest pending task; undefined when none is pending. */
export async function commitClaim(values: ClaimValues): Promise<TaskRow | undefined> {
  const [task] = await commitStatement<TaskRow, ClaimValues>(CLAIM_TASK, values);
  return task;
}
