import { InvalidParamError } from '../domain/errors.ts';
import { db } from '../db/client.ts';
import { generateKey, hashKey, WORKER_KEY_PREFIX } from './credentials.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client bound to one open transaction. */
type Tx = Prisma.TransactionClient;

export interface NewWorker {
  workerId: string;
  workerKey: string;
}

/** A worker identity with one platform-wide worker key. */
export async function registerWorker(tx: Tx, name: string): Promise<NewWorker> {
  if (name.trim() === '') throw new InvalidParamError('name', 'A worker needs a name.');
  const workerKey = generateKey(WORKER_KEY_PREFIX);
  const worker = await tx.worker.create({ data: { name, keys: { create: { hash: hashKey(workerKey) } } } });
  return { workerId: worker.id, workerKey };
}

export function createWorker(name: string): Promise<NewWorker> {
  return db().$transaction((tx) => registerWorker(tx, name));
}
