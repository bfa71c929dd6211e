import { QUEUE_QUANTUM_US } from '../../src/domain/scheduling.ts';
import type { PgbenchScript, Step } from './render-script.ts';
import { CLAIM, SUBMISSION } from '../../src/domain/task-machine.ts';
import { CLAIM_WINDOW } from '../../src/services/claim-task.ts';
import {
  ACCOUNT_TASK_SNAPSHOT,
  CLAIM_TASK,
  commitTransitionStatement,
  LIVE_API_KEY,
  LIVE_WORKER_KEY,
  paramsOf,
  submitStatement,
  TASK_BY_ID,
} from './statements.ts';

/**
 * Keys whose stored hash is a number, one per account or worker: pgbench
 * computes which one a client uses (client i takes base + i mod count), where
 * it could not compute a SHA-256. Only the baselines use them.
 */
export interface NumberedKeys {
  base: number;
  count: number;
}

/** The queue the cancel baseline takes its tasks from (see NEXT_QUEUED_TASK). */
export const CANCEL_QUEUE = { table: 'bench_cancel_queue', sequence: 'bench_cancel_queue_n' };

/**
 * Not a statement of the gateway: a gateway client already knows the id of
 * the task it cancels, a pgbench client must be handed one, and a different
 * one every time. A primary-key read of a prepared queue, outside the
 * transaction, so the cancel's own statements stay exactly the gateway's.
 */
const NEXT_QUEUED_TASK = `SELECT task_id FROM ${CANCEL_QUEUE.table} WHERE n = (SELECT nextval('${CANCEL_QUEUE.sequence}'))`;

/**
 * The submit statement as the gateway sends it for the benchmark's selection
 * (`... on Task { id }`, task-operations.ts): it returns the columns that
 * selection reads, sorted as the gateway sorts them.
 */
const SUBMIT_TASK = submitStatement(['accountId', 'id']);

/** A transition as the gateway sends it for the benchmark's selections: a cancel's `{ id state }` and a worker call's `{ state }` read the same columns. */
const TRANSITION = commitTransitionStatement(['accountId', 'id', 'state']);

/** What one pass of each script does, for the report. */
export const SCRIPT_DESCRIPTIONS = {
  submit:
    'looks up the API key (the gateway remembers keys for a second, so it makes this read about once a second per key, not per request), then runs the gateway\'s one submit statement: task, HOLD ledger entry with the balance update, and SUBMITTED event, in one statement and so one transaction',
  cancel:
    'takes the next task id from a prepared queue (a primary-key read the gateway does not make) and looks up the API key (likewise), then, as the gateway does, reads the task with its model\'s policy and writes the cancel as one statement: the task CANCELLED if still at the version read, its REFUND with the balance update, and its CANCELLED event',
  cycle:
    'three changes, each after looking up the worker key (which the gateway remembers instead): the claim (one statement: the SKIP LOCKED update of the oldest pending task and its CLAIMED event); progress 0.5 (the task read, then one statement writing progress, the renewed lease and a PROGRESS event if still at the version read); completion (read again, then COMPLETED with its output and a COMPLETED event)',
};

const API_KEY = ':api_key_base + :client_id % :api_key_count';
const WORKER_KEY = ':worker_key_base + :client_id % :worker_key_count';

function keyVariables(prefix: string, keys: NumberedKeys): Record<string, string> {
  return { [`${prefix}_base`]: String(keys.base), [`${prefix}_count`]: String(keys.count) };
}

const authenticateClient: Step = { sql: LIVE_API_KEY, params: paramsOf(LIVE_API_KEY, { hash: API_KEY }), gset: 'key_' };
const authenticateWorker: Step = { sql: LIVE_WORKER_KEY, params: paramsOf(LIVE_WORKER_KEY, { hash: WORKER_KEY }), gset: 'worker_' };

const quoted = (text: string): string => `'${text}'`;

/** `submitTask` of `model` by the client's account (services/submit-task.ts). */
export function submitScript(keys: NumberedKeys, model: string): PgbenchScript {
  return {
    variables: keyVariables('api_key', keys),
    steps: [
      authenticateClient,
      {
        sql: SUBMIT_TASK,
        params: paramsOf(SUBMIT_TASK, {
          accountId: ':key_accountId',
          apiKeyId: ':key_id',
          model: quoted(model),
          outTaskId: 'NULL',
          runner: "'CLOUD'",
          input: `'{"prompt": "bench"}'`,
          metadata: `'{}'`,
          tags: `'{}'`,
          priority: '0',
          startWithinSeconds: 'NULL',
          maxRunSeconds: 'NULL',
          quantum: String(QUEUE_QUANTUM_US),
          state: quoted(SUBMISSION.state),
          holdKind: quoted(SUBMISSION.holdKind),
          event: quoted(SUBMISSION.event),
        }),
      },
    ],
  };
}

/** The transition's parameters (the same for every shape) of a task read into variables prefixed `snap_`, changed by `change`. */
function transition(change: {
  state: string;
  progress: string;
  output?: string;
  creditsUsed?: string;
  leased?: boolean;
  /** Claimed before, so its startedAt is set and kept (a NULL cannot pass from one pgbench step to another). */
  started: boolean;
  leaseExpiresAt?: string;
  finished?: boolean;
  cancelled?: boolean;
  event: string;
  refund?: string;
}): string[] {
  const now = ':snap_now';
  return paramsOf(TRANSITION, {
    id: ':snap_id',
    version: ':snap_version',
    state: quoted(change.state),
    progress: change.progress,
    output: change.output ?? 'NULL',
    error: 'NULL',
    attempts: ':snap_attempts',
    creditsUsed: change.creditsUsed ?? 'NULL',
    leaseOwner: change.leased ? ':snap_leaseOwner' : 'NULL',
    leaseExpiresAt: change.leased ? (change.leaseExpiresAt ?? 'NULL') : 'NULL',
    leaseSeconds: change.leased ? ':snap_leaseSeconds' : 'NULL',
    startedAt: change.started ? ':snap_startedAt' : 'NULL',
    finishedAt: change.finished ? now : 'NULL',
    cancelledAt: change.cancelled ? now : 'NULL',
    updatedAt: now,
    cancelActorKind: change.cancelled ? "'API_KEY'" : 'NULL',
    cancelActorId: change.cancelled ? ':key_id' : 'NULL',
    cancelReason: 'NULL',
    availableAt: ':snap_availableAt',
    runningDelta: change.leased ? '0' : change.started ? '-1' : '0',
    // The gateway writes who cancelled into the event; a constant of the same size stands in for it here.
    detail: change.cancelled ? `'{"actor": {"id": "00000000-0000-0000-0000-000000000000", "kind": "API_KEY"}, "reason": null}'` : 'NULL',
    event: quoted(change.event),
    amount: change.refund ?? '0',
    ledgerKind: change.refund === undefined ? 'NULL' : "'REFUND'",
  });
}

/** `cancelTask` of a pending task, refunded in full (services/cancel-task.ts). */
export function cancelScript(keys: NumberedKeys): PgbenchScript {
  return {
    variables: keyVariables('api_key', keys),
    steps: [
      { sql: NEXT_QUEUED_TASK, params: [], gset: 'queued_' },
      authenticateClient,
      { sql: ACCOUNT_TASK_SNAPSHOT.id, params: paramsOf(ACCOUNT_TASK_SNAPSHOT.id, { id: ':queued_task_id', accountId: ':key_accountId' }), gset: 'snap_' },
      {
        sql: TRANSITION,
        params: transition({
          state: 'CANCELLED',
          progress: ':snap_progress',
          started: false,
          finished: true,
          cancelled: true,
          event: 'CANCELLED',
          refund: ':snap_price',
        }),
      },
    ],
  };
}

/** A worker's whole cycle on one task: claimTask, reportProgress, completeTask (services/claim-task.ts, leased-task.ts). */
export function cycleScript(keys: NumberedKeys, model: string, leaseSeconds: number, leaseExpiresAt: Date): PgbenchScript {
  const readClaimed: Step = { sql: TASK_BY_ID, params: paramsOf(TASK_BY_ID, { id: ':claimed_id' }), gset: 'snap_' };
  return {
    variables: {
      ...keyVariables('worker_key', keys),
      // The gateway computes the renewed lease in JavaScript; its value does not change the work.
      lease_expires_at: leaseExpiresAt.toISOString(),
    },
    steps: [
      authenticateWorker,
      {
        sql: CLAIM_TASK,
        params: paramsOf(CLAIM_TASK, {
          workerId: ':worker_workerId',
          leaseSeconds: String(leaseSeconds),
          models: `'{${model}}'`,
          maxRunning: '1000000',
          window: String(CLAIM_WINDOW),
          state: quoted(CLAIM.state),
          event: quoted(CLAIM.event),
        }),
        gset: 'claimed_',
      },
      authenticateWorker,
      readClaimed,
      {
        sql: TRANSITION,
        params: transition({ state: 'RUNNING', progress: '0.5', leased: true, started: true, leaseExpiresAt: ':lease_expires_at', event: 'PROGRESS' }),
      },
      authenticateWorker,
      readClaimed,
      {
        sql: TRANSITION,
        params: transition({
          state: 'COMPLETED',
          progress: '1',
          output: `'{"result": "bench"}'`,
          creditsUsed: ':snap_price',
          started: true,
          finished: true,
          event: 'COMPLETED',
        }),
      },
    ],
  };
}
