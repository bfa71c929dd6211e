import type pg from 'pg';

/**
 * A hand-written SQL statement with `$n` parameters. Its name makes each
 * pooled connection prepare it once and only bind and execute it after.
 */
export interface Statement {
  name: string;
  text: string;
}

export function statement(name: string, text: string): Statement {
  return { name, text: text.trim() };
}

/** A pool or one of its connections: whatever a statement runs on. */
export type Queryable = pg.Pool | pg.PoolClient;

export async function rowsOf<Row extends pg.QueryResultRow>(
  on: Queryable,
  { name, text }: Statement,
  values: unknown[],
): Promise<Row[]> {
  return (await on.query<Row>({ name, text, values })).rows;
}

/** The database error's SQLSTATE and constraint, when `error` is one. */
export function violatedConstraint(error: unknown, sqlState: string): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || error.code !== sqlState) return undefined;
  return 'constraint' in error && typeof error.constraint === 'string' ? error.constraint : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const CHECK_VIOLATION = '23514';
