import { rowsOf, sql } from './statement.ts';
import type { Tx } from './transaction.ts';

interface NewWorkerValues {
  name: string;
  /** SHA-256 of its worker key. */
  keyHash: string;
}

const INSERT_WORKER = sql<NewWorkerValues>(
  'insert_worker',
  `
WITH worker AS (
  INSERT INTO "Worker" (name) VALUES (:name) RETURNING id
)
INSERT INTO "WorkerKey" ("workerId", hash) SELECT id, :keyHash FROM worker RETURNING "workerId"`,
);

/** A worker identity with its key, in the caller's transaction; its id. */
export async function insertWorker(tx: Tx, values: NewWorkerValues): Promise<string> {
  const [row] = await rowsOf<{ workerId: string }, NewWorkerValues>(tx, INSERT_WORKER, values);
  if (!row) throw new Error('INSERT of a worker returned no row');
  return row.workerId;
}
