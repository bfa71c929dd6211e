import { db } from '../db/client.ts';
import { type BatchCounts, type BulkCancelRow, findBulkCancel, insertOrFindBulkCancel, recordBatch } from '../db/sql/bulk-cancels.ts';
import { readAccountTask } from '../db/sql/task-reads.ts';
import { previewCancel } from '../domain/cancel-preview.ts';
import { BulkCancelConflictError, ConflictError, NotFoundError, OperationNotSupportedError } from '../domain/errors.ts';
import { canonicalJson } from '../domain/json.ts';
import { filterFromJson, filterToJson, type TaskFilterValue } from '../domain/task-filter.ts';
import { validateOutTaskId } from '../domain/validation.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { taskWhere } from '../db/task-where.ts';
import { checkedReason } from './cancel-task.ts';
import { changeTask } from './change-task.ts';

/** Tasks cancelled per batch: each is its own cancel, with its own transaction, as one cancelTask. */
export const BATCH = 100;
/** Tasks a dry run reads at once, all in one snapshot. */
const PREVIEW_PAGE = 1_000;

export interface BulkCancelRequest {
  filter: TaskFilterValue;
  clientKey: string;
  reason: string | null;
}

/** What a bulk cancel did, or would do: counts, the refunds' sum, and the tasks passed over by why. */
export interface BulkCancelCounts {
  matched: number;
  cancelled: number;
  refunded: number;
  skipped: { ALREADY_FINISHED: number; PENDING_NOT_CANCELLABLE: number; RUNNER_NOT_SUPPORTED: number };
}

/**
 * A bulk cancel of the account's tasks matching the filter when it is asked
 * for, run in the background in batches. The same clientKey gives the same
 * job, however often it is sent; with another filter or reason, a conflict.
 */
export async function startBulkCancel(accountId: string, apiKeyId: string | null, request: BulkCancelRequest): Promise<BulkCancelRow> {
  const clientKey = validateOutTaskId(request.clientKey, 'input.clientKey');
  const reason = checkedReason(request.reason, 'input.reason');
  const filter = canonicalJson(filterToJson(request.filter));
  const { job, created } = await insertOrFindBulkCancel({ accountId, apiKeyId, clientKey, filter, reason });
  if (!created && (canonicalJson(job.filter) !== filter || job.reason !== reason)) throw new BulkCancelConflictError(job.id);
  return job;
}

export async function ownBulkCancel(accountId: string, id: string): Promise<BulkCancelRow> {
  const job = await findBulkCancel(accountId, id);
  if (!job) throw new NotFoundError('bulk cancel');
  return job;
}

function emptyCounts(): BulkCancelCounts {
  return { matched: 0, cancelled: 0, refunded: 0, skipped: { ALREADY_FINISHED: 0, PENDING_NOT_CANCELLABLE: 0, RUNNER_NOT_SUPPORTED: 0 } };
}

/**
 * What a bulk cancel would do now: every matching task read in one snapshot,
 * each decided on by the cancel's own decision at the database's clock.
 */
export async function previewBulkCancel(accountId: string, filter: TaskFilterValue): Promise<BulkCancelCounts> {
  const where = taskWhere(accountId, filter);
  return db().$transaction(
    async (tx) => {
      const [{ now }] = await tx.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
      const counts = emptyCounts();
      let after: Prisma.TaskWhereInput = {};
      for (;;) {
        const page = await tx.task.findMany({ where: { AND: [where, after] }, include: { model: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: PREVIEW_PAGE });
        for (const task of page) {
          const preview = previewCancel({ ...task, policy: task.model }, now);
          counts.matched += 1;
          if (preview.outcome === 'CANCELLED') {
            counts.cancelled += 1;
            counts.refunded += preview.refund;
          } else {
            counts.skipped[preview.outcome] += 1;
          }
        }
        const last = page.at(-1);
        if (!last || page.length < PREVIEW_PAGE) return counts;
        after = { OR: [{ createdAt: { gt: last.createdAt } }, { createdAt: last.createdAt, id: { gt: last.id } }] };
      }
    },
    { isolationLevel: 'RepeatableRead' },
  );
}

type TaskOutcome = 'cancelled' | keyof BulkCancelCounts['skipped'];

/** One task's cancel by the job: what became of it, and the credits it gave back. */
async function cancelOne(job: BulkCancelRow, taskId: string): Promise<{ outcome: TaskOutcome; refund: number }> {
  try {
    const task = await changeTask(() => readAccountTask(job.accountId, { id: taskId }), {
      type: 'cancel',
      by: { kind: 'BULK_JOB', id: job.id },
      reason: job.reason,
      expectRefundAtLeast: null,
    });
    // A task this job cancelled before a crash comes back finished: it is still this job's cancel.
    if (task.state === 'CANCELLED' && task.cancelActorKind === 'BULK_JOB' && task.cancelActorId === job.id) {
      return { outcome: 'cancelled', refund: task.price - (task.creditsUsed ?? 0) };
    }
    return { outcome: 'ALREADY_FINISHED', refund: 0 };
  } catch (error) {
    if (error instanceof ConflictError) return { outcome: 'PENDING_NOT_CANCELLABLE', refund: 0 };
    if (error instanceof OperationNotSupportedError) return { outcome: 'RUNNER_NOT_SUPPORTED', refund: 0 };
    throw error;
  }
}

/**
 * The job's next batch: the next matching tasks after where it stands, in
 * creation order, each cancelled as one cancelTask is, then the counts and
 * the position in one write. A job resumed after a crash takes the batch
 * again: its own earlier cancels are counted, once. Whether it goes on.
 */
export async function runBulkCancelBatch(job: BulkCancelRow, owner: string, leaseMs: number): Promise<boolean> {
  const filter = filterFromJson(job.filter);
  const after: Prisma.TaskWhereInput =
    job.afterCreatedAt && job.afterId
      ? { OR: [{ createdAt: { gt: job.afterCreatedAt } }, { createdAt: job.afterCreatedAt, id: { gt: job.afterId } }] }
      : {};
  const tasks = await db().task.findMany({
    where: { AND: [taskWhere(job.accountId, filter), { createdAt: { lte: job.asOf } }, after] },
    select: { id: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: BATCH,
  });
  const counts: BatchCounts = { matched: 0, cancelled: 0, refunded: 0, finished: 0, pendingNotCancellable: 0, runnerNotSupported: 0 };
  for (const task of tasks) {
    const { outcome, refund } = await cancelOne(job, task.id);
    counts.matched += 1;
    counts.refunded += refund;
    if (outcome === 'cancelled') counts.cancelled += 1;
    else if (outcome === 'ALREADY_FINISHED') counts.finished += 1;
    else if (outcome === 'PENDING_NOT_CANCELLABLE') counts.pendingNotCancellable += 1;
    else counts.runnerNotSupported += 1;
  }
  const last = tasks.at(-1);
  const done = tasks.length < BATCH;
  const held = await recordBatch({
    id: job.id,
    owner,
    leaseMs,
    ...counts,
    afterCreatedAt: last?.createdAt ?? job.afterCreatedAt,
    afterId: last?.id ?? job.afterId,
    done,
  });
  return held && !done;
}
