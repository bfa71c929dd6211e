import pg from 'pg';

/**
 * Runs one statement on a connection of its own, outside any pool: for
 * maintenance such as CREATE or DROP DATABASE, which cannot run in a transaction.
 */
export async function queryOnce<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}
