import type { TaskRow } from './rows.ts';
import { sql } from './statement.ts';
import { taskEventCte } from './task-events.ts';
import { commitStatement } from './transaction.ts';

export interface ClaimValues {
  workerId: string;
  leaseSeconds: number;
  /** Only tasks of these models; null for any. */
  models: string[] | null;
  /** RUNNING tasks one account may have; a claim passes over an account at it. */
  maxRunning: number;
  /** How far past the head of each model's queue, in rank, a claim looks for a task whose account is under its cap. */
  window: number;
  /** The machine's decision for a claimed task: its state and its event. */
  state: string;
  event: string;
}

/**
 * The first claimable task by the queue's order (its rank, fair across
 * accounts, less its priority): for each model, its queue read in order by
 * one index range from its head, passing over tasks in their backoff, tasks
 * another claimer holds (`SKIP LOCKED`) and tasks of accounts at their cap of
 * running tasks, to the first it can lock; then the first of those across the
 * models asked for. The range ends `window` past the head, so however long
 * the queue, and however many of its first tasks are an account's at its
 * cap, a claim reads a bounded part of it.
 */
const NEXT_PENDING = `
  SELECT head.id, head."accountId" FROM "Model" model
  CROSS JOIN LATERAL (
    SELECT t.id, t."accountId", t.rank FROM "Task" t
    WHERE t.state = 'PENDING' AND t."modelName" = model.name AND t."availableAt" <= now()
      AND t.rank <= (
        SELECT h.rank FROM "Task" h
        WHERE h.state = 'PENDING' AND h."modelName" = model.name AND h."availableAt" <= now()
        ORDER BY h.rank, h.id LIMIT 1
      ) + :window::bigint
      AND EXISTS (SELECT FROM "Account" a WHERE a.id = t."accountId" AND a."runningTasks" < :maxRunning)
    ORDER BY t.rank, t.id
    LIMIT 1
    FOR UPDATE OF t SKIP LOCKED
  ) head
  WHERE :models::text[] IS NULL OR model.name = ANY(:models::text[])
  ORDER BY head.rank, head.id
  LIMIT 1`;

/**
 * The claim as one statement: the account's running count (held under its
 * cap by its row lock: two claims of one account at its cap cannot both
 * pass), and the machine's claim (RUNNING, one more attempt, progress 0, a
 * lease and the claim's maximum running time on the database's clock,
 * startedAt kept from a first claim) with its event, commit together.
 */
export const CLAIM_TASK = sql<ClaimValues>(
  'claim_task',
  `
WITH next AS (${NEXT_PENDING}
), account AS (
  UPDATE "Account" a SET "runningTasks" = a."runningTasks" + 1
  FROM next WHERE a.id = next."accountId" AND a."runningTasks" < :maxRunning
  RETURNING a.id
), claimed AS (
  UPDATE "Task" t
  SET state = :state::"TaskState", attempts = t.attempts + 1, progress = 0,
      "leaseOwner" = :workerId::uuid, "leaseSeconds" = :leaseSeconds::int,
      "leaseExpiresAt" = now() + make_interval(secs => :leaseSeconds::int),
      "runDeadline" = now() + make_interval(secs => t."maxRunSeconds"),
      "startedAt" = COALESCE(t."startedAt", now()), "updatedAt" = now(), version = t.version + 1
  FROM next JOIN account ON account.id = next."accountId" WHERE t.id = next.id
  RETURNING t.*
), ${taskEventCte('claimed_event', 'claimed', ':event')}
SELECT * FROM claimed`,
);

/** Commits a claim of the next claimable task; undefined when there is none. */
export async function commitClaim(values: ClaimValues): Promise<TaskRow | undefined> {
  const [task] = await commitStatement<TaskRow, ClaimValues>(CLAIM_TASK, values);
  return task;
}
