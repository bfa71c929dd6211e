import { randomInt } from 'node:crypto';
import { withConnection } from '../sql-connection.ts';
import { CANCEL_QUEUE, type NumberedKeys } from './scripts.ts';

/**
 * One more key per owner, stored hash base + i: not the SHA-256 of any key a
 * client could send (those are 64 hex digits), so the gateway never matches
 * them. Random bases keep the runs of one benchmark apart.
 */
async function numberedKeys(databaseUrl: string, table: 'ApiKey' | 'WorkerKey', ownerColumn: string, owners: string[]): Promise<NumberedKeys> {
  const base = randomInt(10 ** 12, 2 ** 47);
  await withConnection(databaseUrl, (client) =>
    client.query(
      `INSERT INTO "${table}" ("${ownerColumn}", hash)
       SELECT owner, ($2::bigint + ordinality - 1)::text FROM unnest($1::uuid[]) WITH ORDINALITY AS owners(owner, ordinality)`,
      [owners, base],
    ),
  );
  return { base, count: owners.length };
}

export function numberedApiKeys(databaseUrl: string, accountIds: string[]): Promise<NumberedKeys> {
  return numberedKeys(databaseUrl, 'ApiKey', 'accountId', accountIds);
}

export function numberedWorkerKeys(databaseUrl: string, workerIds: string[]): Promise<NumberedKeys> {
  return numberedKeys(databaseUrl, 'WorkerKey', 'workerId', workerIds);
}

/** The cancel baseline's tasks, numbered 1… in the order its sequence hands them out. */
export async function queueForCancel(databaseUrl: string, taskRowIds: string[]): Promise<void> {
  const { table, sequence } = CANCEL_QUEUE;
  await withConnection(databaseUrl, async (client) => {
    await client.query(`CREATE UNLOGGED TABLE IF NOT EXISTS ${table} (n bigint PRIMARY KEY, task_id uuid NOT NULL)`);
    await client.query(`CREATE SEQUENCE IF NOT EXISTS ${sequence}`);
    await client.query(`TRUNCATE ${table}`);
    await client.query(`ALTER SEQUENCE ${sequence} RESTART WITH 1`);
    await client.query(`INSERT INTO ${table} (n, task_id) SELECT ordinality, id FROM unnest($1::uuid[]) WITH ORDINALITY AS queued(id, ordinality)`, [
      taskRowIds,
    ]);
    await client.query(`ANALYZE ${table}`);
  });
}
