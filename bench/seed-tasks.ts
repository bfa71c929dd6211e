import { encodeGlobalID } from '@pothos/plugin-relay';
import { withConnection } from './sql-connection.ts';

/**
 * PENDING tasks of one account as submits would leave them: each with its
 * SUBMITTED event and its HOLD entry, the balance lowered by the holds and
 * every entry's balanceAfter the running balance, submitted a millisecond
 * apart as a queue fills over time. In one statement, so tens of thousands
 * take seconds rather than a run of submits.
 */
const SEED_PENDING = `
WITH model AS (
  SELECT name, price FROM "Model" WHERE name = $2
), task AS (
  INSERT INTO "Task" ("accountId", "modelName", input, price, "createdAt", "updatedAt")
  SELECT $1::uuid, model.name, '{"prompt": "bench"}'::jsonb, model.price, at, at
  FROM model, generate_series(1, $3::int) AS n, LATERAL (SELECT now() - ($3::int - n) * interval '1 millisecond' AS at) AS submitted
  RETURNING id, "accountId", state, progress, price
), event AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
  SELECT id, "accountId", 'SUBMITTED', state, progress FROM task
), account AS (
  UPDATE "Account" SET balance = balance - (SELECT sum(price) FROM task) WHERE id = $1::uuid
  RETURNING balance
), hold AS (
  INSERT INTO "LedgerEntry" ("accountId", "taskId", kind, amount, "balanceAfter")
  SELECT task."accountId", task.id, 'HOLD', -task.price,
         account.balance + sum(task.price) OVER () - sum(task.price) OVER (ORDER BY task.id)
  FROM task, account WHERE task.price > 0
)
SELECT id FROM task`;

export interface SeededTask {
  /** The row id, as the database and pgbench see it. */
  rowId: string;
  /** The Relay global id, as GraphQL clients see it. */
  id: string;
}

export async function seedPendingTasks(databaseUrl: string, accountId: string, model: string, count: number): Promise<SeededTask[]> {
  const rows = await withConnection(databaseUrl, async (client) => {
    const seeded = (await client.query<{ id: string }>(SEED_PENDING, [accountId, model, count])).rows;
    // Statistics as a table that grew by use would have them, so the plans measured are the ones it would get.
    await client.query('ANALYZE "Task", "TaskEvent", "LedgerEntry"');
    return seeded;
  });
  return rows.map((row) => ({ rowId: row.id, id: encodeGlobalID('Task', row.id) }));
}

/** PENDING tasks of `model`, whoever's. */
export async function pendingCount(databaseUrl: string, model: string): Promise<number> {
  return withConnection(databaseUrl, async (client) => {
    const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM "Task" WHERE state = 'PENDING' AND "modelName" = $1`, [model]);
    return Number(rows[0]?.count ?? 0);
  });
}
