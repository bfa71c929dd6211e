import { db } from '../db/client.ts';
import { announceCommit } from '../events/commit-signal.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client bound to one open transaction. */
export type Tx = Prisma.TransactionClient;

/**
 * Runs a change that writes task events in one transaction, and announces it
 * once committed, so live streams learn of it then and never before.
 */
export async function commitChange<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await db().$transaction(work);
  announceCommit();
  return result;
}
