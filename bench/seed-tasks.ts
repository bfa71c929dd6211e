import { encodeGlobalID } from '@pothos/plugin-relay';
import { QUEUE_QUANTUM_US } from '../src/domain/scheduling.ts';
import { withConnection } from './sql-connection.ts';

/**
 * PENDING tasks of some accounts as submits would leave them: each with its
 * SUBMITTED event and its HOLD entry, each balance lowered by its holds and
 * every entry's balanceAfter the running balance, submitted a millisecond
 * apart as a queue fills over time, in the fair order the accounts' submits
 * would give them (each account's n-th task one quantum after its n − 1-th,
 * the accounts' n-th tasks side by side) and with each account's clock
 * where its last task left it. In one statement, so tens of thousands take
 * seconds rather than a run of submits.
 */
const SEED_PENDING = `
WITH model AS (
  SELECT name, price FROM "Model" WHERE name = $2
), base AS (
  SELECT (extract(epoch FROM now()) * 1000000)::bigint AS rank
), task AS (
  INSERT INTO "Task" ("accountId", "modelName", input, price, "createdAt", "updatedAt", rank)
  SELECT account.id, model.name, '{"prompt": "bench"}'::jsonb, model.price, at, at, base.rank + n * $4::bigint
  FROM model, base, unnest($1::uuid[]) AS account(id), generate_series(1, $3::int) AS n,
    LATERAL (SELECT now() - ($3::int - n) * interval '1 millisecond' AS at) AS submitted
  RETURNING id, "accountId", state, progress, price, rank
), event AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress)
  SELECT id, "accountId", 'SUBMITTED', state, progress FROM task
), held AS (
  SELECT "accountId", sum(price) AS total, max(rank) AS "lastRank" FROM task GROUP BY "accountId"
), account AS (
  UPDATE "Account" a SET balance = a.balance - held.total FROM held WHERE a.id = held."accountId"
  RETURNING a.id, a.balance
), clock AS (
  INSERT INTO "AccountModelClock" ("accountId", "modelName", "lastRank")
  SELECT "accountId", $2, "lastRank" FROM held
  ON CONFLICT ("accountId", "modelName") DO UPDATE SET "lastRank" = GREATEST("AccountModelClock"."lastRank", EXCLUDED."lastRank")
), hold AS (
  INSERT INTO "LedgerEntry" ("accountId", "taskId", kind, amount, "balanceAfter")
  SELECT task."accountId", task.id, 'HOLD', -task.price,
         account.balance + sum(task.price) OVER (PARTITION BY task."accountId") - sum(task.price) OVER (PARTITION BY task."accountId" ORDER BY task.id)
  FROM task JOIN account ON account.id = task."accountId" WHERE task.price > 0
)
SELECT id FROM task`;

export interface SeededTask {
  /** The row id, as the database and pgbench see it. */
  rowId: string;
  /** The Relay global id, as GraphQL clients see it. */
  id: string;
}

export async function seedPendingTasks(databaseUrl: string, accountId: string, model: string, count: number): Promise<SeededTask[]> {
  return seedQueue(databaseUrl, [accountId], model, count);
}

/** `perAccount` pending tasks of `model` for each account, in the fair order their submits would give them. */
export async function seedQueue(databaseUrl: string, accountIds: string[], model: string, perAccount: number): Promise<SeededTask[]> {
  const rows = await withConnection(databaseUrl, async (client) => {
    const seeded = (await client.query<{ id: string }>(SEED_PENDING, [accountIds, model, perAccount, QUEUE_QUANTUM_US])).rows;
    // Statistics as a table that grew by use would have them, so the plans measured are the ones it would get.
    await client.query('ANALYZE "Task", "TaskEvent", "LedgerEntry", "AccountModelClock"');
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
