import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';

const FINISHED_MIGRATIONS = sql(
  'finished_migrations',
  `SELECT migration_name AS name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
);

/** Which of `expected` the database has not finished applying. */
export async function unappliedMigrations(expected: readonly string[]): Promise<string[]> {
  const finished = new Set((await rowsOf<{ name: string }, Record<string, never>>(pool(), FINISHED_MIGRATIONS, {})).map((row) => row.name));
  return expected.filter((name) => !finished.has(name));
}
