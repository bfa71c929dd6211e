import { InvalidParamError } from '../domain/errors.ts';
import { commitChange } from './transaction.ts';
import { validateLeaseSeconds } from '../domain/lease.ts';
import { Prisma, type Task } from '../generated/prisma/client.ts';
import { appendTaskEvent } from './task-events.ts';

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
export async function claimTask(command: ClaimCommand): Promise<Task | null> {
  const lease = validateLeaseSeconds(command.leaseSeconds);
  if (command.models?.length === 0) throw new InvalidParamError('models', 'Give at least one model, or omit models for any.');
  const byModel = command.models ? Prisma.sql`AND "modelName" = ANY(${command.models}::text[])` : Prisma.empty;
  return commitChange(async (tx) => {
    const [claimed] = await tx.$queryRaw<{ id: string }[]>`
      WITH next AS (
        SELECT id FROM "Task"
        WHERE state = 'PENDING' ${byModel}
        ORDER BY "createdAt", id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      UPDATE "Task" t
      SET state = 'RUNNING', attempts = t.attempts + 1, progress = 0,
          "leaseOwner" = ${command.workerId}::uuid, "leaseSeconds" = ${lease},
          "leaseExpiresAt" = now() + make_interval(secs => ${lease}),
          "startedAt" = COALESCE(t."startedAt", now()), "updatedAt" = now()
      FROM next WHERE t.id = next.id
      RETURNING t.id`;
    if (!claimed) return null;
    const task = await tx.task.findUniqueOrThrow({ where: { id: claimed.id } });
    await appendTaskEvent(tx, task, 'CLAIMED');
    return task;
  });
}
