import type { Decision } from '../../domain/task-machine.ts';
import { ledgerEntryCtes } from './ledger.ts';
import type { TaskRow, TaskSnapshot } from './rows.ts';
import { byColumns, selectList } from './column-shapes.ts';
import { rowsOf, sql, type Statement } from './statement.ts';
import type { TaskColumn } from './task-reads.ts';
import { taskEventCte } from './task-events.ts';
import { commitStatement, type Tx } from './transaction.ts';

/** The task as a decision leaves it, field by field, with the version it was decided on. */
export interface TransitionValues {
  id: string;
  /** The version the decision was made on: nothing is written if the task has moved on. */
  version: number;
  state: string;
  progress: number;
  /** JSON text, or null. */
  output: string | null;
  error: string | null;
  attempts: number;
  creditsUsed: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  leaseSeconds: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledAt: Date | null;
  updatedAt: Date;
  cancelActorKind: string | null;
  cancelActorId: string | null;
  cancelReason: string | null;
  /** Not claimed before this: a re-queued task keeps its place in the queue, and waits out its backoff there. */
  availableAt: Date;
  /** The account's RUNNING tasks after the change, less before: 1 into RUNNING, -1 out of it. */
  runningDelta: number;
  event: string;
  /** The event's detail, JSON text, or null. */
  detail: string | null;
  /** Signed credits moved with the change, 0 for none, and their entry's kind. */
  amount: number;
  ledgerKind: string | null;
}

/**
 * A decided transition as one statement, so one transaction: the task's new
 * row, written only if it is still at the version decided on (the update then
 * holds its row lock until the commit), its ledger entry and its event only
 * with it. It returns the columns asked for, or every one.
 */
export const commitTransitionStatement = byColumns<TaskColumn, Statement<TransitionValues>>('commit_transition', (name, columns) =>
  sql<TransitionValues>(
    name,
    `
WITH changed AS (
  UPDATE "Task" SET state = :state::"TaskState", progress = :progress, output = :output::jsonb, error = :error,
    attempts = :attempts, "creditsUsed" = :creditsUsed, "leaseOwner" = :leaseOwner::uuid,
    "leaseExpiresAt" = :leaseExpiresAt, "leaseSeconds" = :leaseSeconds, "startedAt" = :startedAt,
    "finishedAt" = :finishedAt, "cancelledAt" = :cancelledAt, "updatedAt" = :updatedAt, version = version + 1,
    "cancelActorKind" = :cancelActorKind::"CancelActorKind", "cancelActorId" = :cancelActorId, "cancelReason" = :cancelReason,
    "availableAt" = :availableAt,
    "runDeadline" = CASE WHEN :state::"TaskState" = 'RUNNING' THEN "runDeadline" END
  WHERE id = :id::uuid AND version = :version
  RETURNING *
), ${ledgerEntryCtes('moved', `SELECT "accountId", id AS "taskId", :ledgerKind::"LedgerEntryKind" AS kind, :amount::int AS amount, :runningDelta::int AS running, "apiKeyId", tags FROM changed`)},
${taskEventCte('change_event', 'changed', ':event', ':detail')}
SELECT ${selectList(columns)} FROM changed`,
  ),
);

/** The transition returning the whole row. */
export const COMMIT_TRANSITION = commitTransitionStatement(undefined);

type Change = Extract<Decision, { kind: 'change' }>;

/** The statement's values for `seen` as `decision` leaves it; a task that leaves RUNNING loses its lease. */
export function transitionValues(seen: TaskSnapshot, decision: Change): TransitionValues {
  const next = { ...seen, ...decision.change };
  const leased = next.state === 'RUNNING';
  return {
    id: seen.id,
    version: seen.version,
    state: next.state,
    progress: next.progress,
    output: next.output === null ? null : JSON.stringify(next.output),
    error: next.error,
    attempts: next.attempts,
    creditsUsed: next.creditsUsed,
    leaseOwner: leased ? next.leaseOwner : null,
    leaseExpiresAt: leased ? next.leaseExpiresAt : null,
    leaseSeconds: leased ? next.leaseSeconds : null,
    startedAt: next.startedAt,
    finishedAt: next.finishedAt,
    cancelledAt: next.cancelledAt,
    updatedAt: seen.now,
    cancelActorKind: next.cancelActorKind,
    cancelActorId: next.cancelActorId,
    cancelReason: next.cancelReason,
    availableAt: next.availableAt,
    runningDelta: (next.state === 'RUNNING' ? 1 : 0) - (seen.state === 'RUNNING' ? 1 : 0),
    event: decision.event,
    detail: decision.detail === null ? null : JSON.stringify(decision.detail),
    amount: decision.ledger?.amount ?? 0,
    ledgerKind: decision.ledger?.kind ?? null,
  };
}

/**
 * Commits a decision on its own: the changed task with `columns` (every one
 * when absent), or undefined when the task moved on since `seen` was read
 * (the caller reads and decides again).
 */
export async function commitTransition(seen: TaskSnapshot, decision: Change, columns?: readonly TaskColumn[]): Promise<TaskRow | undefined> {
  const [task] = await commitStatement<TaskRow, TransitionValues>(commitTransitionStatement(columns), transitionValues(seen, decision));
  return task;
}

/** Commits a decision on a task `tx` holds locked, so it cannot have moved on; announced with `tx`'s commit. */
export async function commitLockedTransition(tx: Tx, locked: TaskSnapshot, decision: Change): Promise<TaskRow> {
  const [task] = await rowsOf<TaskRow, TransitionValues>(tx, COMMIT_TRANSITION, transitionValues(locked, decision));
  if (!task) throw new Error(`locked task ${locked.id} changed under its lock`);
  return task;
}
