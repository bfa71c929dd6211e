import { pruneEventBatch } from '../db/sql/task-events.ts';

/**
 * Deletes events older than `retentionDays`, in batches so no transaction
 * grows large; returns how many went. Tasks, their state and their ledger
 * stay: only the history of changes is trimmed.
 */
export async function pruneEvents(retentionDays: number, batch = 10_000): Promise<number> {
  let pruned = 0;
  for (;;) {
    const deleted = await pruneEventBatch({ retentionDays, batch });
    pruned += deleted;
    if (deleted < batch) return pruned;
  }
}
