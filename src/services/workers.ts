import { generateKey, hashKey, WORKER_KEY_PREFIX } from '../auth/credentials.ts';
import { InvalidParamError } from '../domain/errors.ts';
import { insertWorker } from '../db/sql/workers.ts';
import { inTransaction, type Tx } from '../db/sql/transaction.ts';

export interface NewWorker {
  workerId: string;
  workerKey: string;
}

/** A worker identity with one platform-wide worker key, in the caller's transaction. */
export async function registerWorker(tx: Tx, name: string): Promise<NewWorker> {
  if (name.trim() === '') throw new InvalidParamError('name', 'A worker needs a name.');
  const workerKey = generateKey(WORKER_KEY_PREFIX);
  const workerId = await insertWorker(tx, { name, keyHash: hashKey(workerKey) });
  return { workerId, workerKey };
}

export function createWorker(name: string): Promise<NewWorker> {
  return inTransaction((tx) => registerWorker(tx, name));
}
