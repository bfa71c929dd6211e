import type pg from 'pg';
import { pool } from '../client.ts';
import { announceCommit } from '../commits.ts';
import { isRetryable, rowsOf, sql, type Statement } from './statement.ts';

/** Runs of one statement that PostgreSQL may ask to retry (serialization failures, deadlocks) before the error is given up on. */
const STATEMENT_ATTEMPTS = 5;

/** A pooled connection holding one open transaction: the one transaction type of every write. */
export type Tx = pg.PoolClient;


/**
 * Runs `work` in one transaction on a connection of its own: committed if it
 * returns, rolled back if it throws. When it wrote task events, they are
 * announced after the commit, never before.
 */
export async function inTransaction<T>(work: (tx: Tx) => Promise<T>, wroteEvents: (result: T) => boolean = () => false): Promise<T> {
  const tx = await pool().connect();
  let broken: Error | undefined;
  // A connection the server drops between two statements emits an error no query
  // is waiting for: unheard, it would end the process. The pool then discards it.
  const onError = (error: Error): void => {
    broken = error;
  };
  tx.on('error', onError);
  let result: T;
  try {
    await tx.query('BEGIN');
    result = await work(tx);
    await tx.query('COMMIT');
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
  if (wroteEvents(result)) announceCommit();
  return result;
}

/**
 * A change that is one statement, so its own transaction on the pool:
 * committed when it returns, then announced when its rows say it wrote
 * events (by default, when it returned any).
 */
export async function commitStatement<Row extends pg.QueryResultRow, Values extends object>(
  statement: Statement<Values>,
  values: Values,
  wroteEvents: (rows: Row[]) => boolean = (rows) => rows.length > 0,
): Promise<Row[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await rowsOf<Row, Values>(pool(), statement, values);
      if (wroteEvents(rows)) announceCommit();
      return rows;
    } catch (error) {
      // A statement is its whole transaction: one PostgreSQL failed to serialize is simply run again.
      if (!isRetryable(error) || attempt >= STATEMENT_ATTEMPTS) throw error;
    }
  }
}

const ADVISORY_LOCK = sql<{ key: number }>('advisory_xact_lock', 'SELECT pg_advisory_xact_lock(:key::bigint)');

/** Takes an advisory lock held until `tx` ends: for work that concurrent instances must do one at a time. */
export async function lockForTransaction(tx: Tx, key: number): Promise<void> {
  await rowsOf(tx, ADVISORY_LOCK, { key });
}
