import type pg from 'pg';

/**
 * A hand-written SQL statement with named parameters (`:accountId`), sent
 * as `$n` placeholders. Its name makes each pooled connection prepare it once
 * and only bind and execute it after.
 */
export interface Statement<Values extends object = Record<string, never>> {
  readonly name: string;
  /** The SQL with `$1..$n` in place of the names. */
  readonly text: string;
  /** The names, in the order of their `$n`. */
  readonly names: readonly (keyof Values & string)[];
}

/** `:name`, but not the second colon of a `::type` cast. */
const NAMED = /(?<![:\w]):([a-zA-Z][a-zA-Z0-9]*)/g;

/** A statement whose `:name` parameters are given by name when it runs. */
export function sql<Values extends object = Record<string, never>>(name: string, text: string): Statement<Values> {
  const names: string[] = [];
  const positional = text.trim().replace(NAMED, (_, param: string) => {
    const at = names.indexOf(param);
    if (at >= 0) return `$${at + 1}`;
    names.push(param);
    return `$${names.length}`;
  });
  return { name, text: positional, names: names as (keyof Values & string)[] };
}

/** The statement's parameters, in the order of its placeholders. */
export function valuesOf<Values extends object>(statement: Statement<Values>, values: Values): unknown[] {
  return statement.names.map((name) => {
    if (!(name in values)) throw new Error(`statement ${statement.name} needs :${name}`);
    return values[name];
  });
}

/** A pool or one of its connections: whatever a statement runs on. */
export type Queryable = pg.Pool | pg.PoolClient;

export async function rowsOf<Row extends pg.QueryResultRow, Values extends object>(
  on: Queryable,
  statement: Statement<Values>,
  values: Values,
): Promise<Row[]> {
  return (await on.query<Row>({ name: statement.name, text: statement.text, values: valuesOf(statement, values) })).rows;
}

/** The database error's SQLSTATE and constraint, when `error` is one. */
export function violatedConstraint(error: unknown, sqlState: string): string | undefined {
  if (!(error instanceof Error) || !('code' in error) || error.code !== sqlState) return undefined;
  return 'constraint' in error && typeof error.constraint === 'string' ? error.constraint : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const CHECK_VIOLATION = '23514';
export const SERIALIZATION_FAILURE = '40001';
export const DEADLOCK_DETECTED = '40P01';

/** Whether `error` is one PostgreSQL asks to retry the transaction for. */
export function isRetryable(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === SERIALIZATION_FAILURE || error.code === DEADLOCK_DETECTED);
}
