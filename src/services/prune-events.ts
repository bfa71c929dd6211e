import { pruneEventBatch, pruneWebhookAttemptBatch } from '../db/sql/task-events.ts';

async function inBatches(batch: number, prune: () => Promise<number>): Promise<number> {
  let pruned = 0;
  for (;;) {
    const deleted = await prune();
    pruned += deleted;
    if (deleted < batch) return pruned;
  }
}

/**
 * Deletes events older than `retentionDays`, but for those webhooks still
 * need, and the webhook delivery log's old entries, in batches so no
 * transaction grows large; returns how many events went. Tasks, their state
 * and their ledger stay: only the history of changes is trimmed.
 */
export async function pruneEvents(retentionDays: number, batch = 10_000): Promise<number> {
  const pruned = await inBatches(batch, () => pruneEventBatch({ retentionDays, batch }));
  await inBatches(batch, () => pruneWebhookAttemptBatch(batch));
  return pruned;
}
