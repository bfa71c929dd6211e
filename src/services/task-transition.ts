import type { Task } from '../generated/prisma/client.ts';
import type { TaskEventType } from '../generated/prisma/enums.ts';
import { rowsOf, statement } from '../db/statement.ts';
import type { TaskSnapshot } from './task-snapshot.ts';
import type { Tx } from './transaction.ts';

/** The fields a transition may change; `updatedAt` is set here, and a task leaving RUNNING loses its lease. */
export type TaskChange = Partial<
  Pick<Task, 'state' | 'progress' | 'output' | 'error' | 'creditsUsed' | 'leaseExpiresAt' | 'finishedAt' | 'cancelledAt'>
>;

export interface Transition {
  event: TaskEventType;
  data: TaskChange;
  /** Credits given back to the account with this change. */
  refund: number;
}

/**
 * The task's new row, its refund with the ledger entry, and its event, as one
 * statement, so one transaction: nothing is written unless the task is still
 * at the version the change was decided on (the update then holds its row
 * lock until the commit), and the refund and the event only with the task.
 */
export const COMMIT_TRANSITION = statement(
  'commit_transition',
  `
WITH changed AS (
  UPDATE "Task" SET state = $2::"TaskState", progress = $3, output = $4::jsonb, error = $5,
    "creditsUsed" = $6, "leaseOwner" = $7::uuid, "leaseExpiresAt" = $8, "leaseSeconds" = $9,
    "finishedAt" = $10, "cancelledAt" = $11, "updatedAt" = $12, version = version + 1
  WHERE id = $1::uuid AND version = $15
  RETURNING *
), refunded AS (
  UPDATE "Account" a SET balance = a.balance + $14
  FROM changed WHERE a.id = changed."accountId" AND $14 > 0
  RETURNING a.id AS "accountId", a.balance, changed.id AS "taskId"
), refund_entry AS (
  INSERT INTO "LedgerEntry" ("accountId", "taskId", kind, amount, "balanceAfter")
  SELECT "accountId", "taskId", 'REFUND'::"LedgerEntryKind", $14, balance FROM refunded
), change_event AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
  SELECT id, "accountId", $13::"TaskEventType", state, progress FROM changed
)
SELECT * FROM changed`,
);

function jsonParameter(value: Task['output']): string | null {
  return value === null ? null : JSON.stringify(value);
}

/** The parameters of COMMIT_TRANSITION: `seen` as `transition` leaves it. */
export function transitionValues(seen: TaskSnapshot, transition: Transition): unknown[] {
  const next: Task = { ...seen, ...transition.data, updatedAt: seen.now };
  const leased = next.state === 'RUNNING';
  return [
    seen.id,
    next.state,
    next.progress,
    jsonParameter(next.output),
    next.error,
    next.creditsUsed,
    leased ? next.leaseOwner : null,
    leased ? next.leaseExpiresAt : null,
    leased ? next.leaseSeconds : null,
    next.finishedAt,
    next.cancelledAt,
    next.updatedAt,
    transition.event,
    transition.refund,
    seen.version,
  ];
}

/** Writes the transition of a task `tx` holds locked, so it cannot have changed since it was read. */
export async function commitLockedTransition(tx: Tx, locked: TaskSnapshot, transition: Transition): Promise<Task> {
  const [task] = await rowsOf<Task>(tx, COMMIT_TRANSITION, transitionValues(locked, transition));
  if (!task) throw new Error(`locked task ${locked.id} changed under its lock`);
  return task;
}
