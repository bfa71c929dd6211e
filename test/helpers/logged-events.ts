import pg from 'pg';
import { encodeEventCursor } from '../../src/events/cursor.ts';

/**
 * The cursors of every TaskEvent row of an account, in log order: what a
 * listener of that account must have received, each exactly once.
 */
export async function loggedCursors(databaseUrl: string, accountId: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // bigint columns come back as strings; sorted as numbers here, not as that text.
    const { rows } = await client.query<{ txid: string; id: string }>(
      'SELECT txid, id FROM "TaskEvent" WHERE "accountId" = $1 ORDER BY txid, id',
      [accountId],
    );
    return rows.map((row) => encodeEventCursor({ txid: BigInt(row.txid), id: BigInt(row.id) }));
  } finally {
    await client.end();
  }
}
