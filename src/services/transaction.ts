import type pg from 'pg';
import { pool } from '../db/client.ts';
import { rowsOf, type Statement } from '../db/statement.ts';
import { announceCommit } from '../events/commit-signal.ts';

/** A pooled connection holding one open transaction. */
export type Tx = pg.PoolClient;

/** Runs `work` in one transaction on a connection of its own: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await pool().connect();
  let broken: Error | undefined;
  // A connection the server drops between two statements emits an error no query
  // is waiting for: unheard, it would end the process. The pool then discards it.
  const onError = (error: Error): void => {
    broken = error;
  };
  tx.on('error', onError);
  try {
    await tx.query('BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    // A connection whose ROLLBACK fails is in an unknown state: the pool drops it too.
    await tx.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error('ROLLBACK failed');
    });
    throw error;
  } finally {
    tx.off('error', onError);
    tx.release(broken);
  }
}

/** A change that is one statement, so its own transaction: committed, then announced if it returned rows. */
export async function commitStatement<Row extends pg.QueryResultRow>(statement: Statement, values: unknown[]): Promise<Row[]> {
  const rows = await rowsOf<Row>(pool(), statement, values);
  if (rows.length > 0) announceCommit();
  return rows;
}
