import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_TASK } from '../../src/db/sql/claim-task.ts';
import { type Statement, valuesOf } from '../../src/db/sql/statement.ts';
import { submitStatement } from '../../src/db/sql/submit-task.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const ACCOUNT = '00000000-0000-0000-0000-0000000000a1';
const QUEUE_INDEX = 'Task_state_modelName_rank_id_idx';

let database: TestDatabase;
let client: pg.Client;

/**
 * A generic plan is made once per connection, from the statistics of the
 * moment, and kept. Made from statistics that count no pending task of the
 * model, it must still read a queue's head from the queue's index: a plan
 * that sorts the pending tasks found through another index grows slower with
 * every task queued, for as long as its connection lives.
 */
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query(`INSERT INTO "Account" (id, name, balance) VALUES ($1, 'plans', 0)`, [ACCOUNT]);
  await client.query(
    `INSERT INTO "Task" ("accountId", "modelName", runner, input, metadata, tags, price, state, priority, rank)
     SELECT $1, 'upscale', 'CLOUD', '{}', '{}', '{}', 2, 'CANCELLED', 0, g FROM generate_series(1, 224) g`,
    [ACCOUNT],
  );
  await client.query('ANALYZE "Task"');
  await client.query('SET plan_cache_mode = force_generic_plan');
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

/** The generic plan of `statement`, as EXPLAIN prints it. */
async function genericPlan<Values extends object>(statement: Statement<Values>, values: Values): Promise<string> {
  await client.query(`PREPARE ${statement.name} AS ${statement.text}`);
  const literal = (value: unknown): string => {
    if (value === null) return 'NULL';
    if (Array.isArray(value)) return pg.escapeLiteral(`{${value.join(',')}}`);
    return pg.escapeLiteral(typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value));
  };
  const literals = valuesOf(statement, values).map(literal);
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN EXECUTE ${statement.name}(${literals.join(', ')})`);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** How each read of pending tasks in a plan finds them: the scan line above each condition on a pending state. */
function pendingReads(plan: string): string[] {
  const lines = plan.split('\n');
  return lines.flatMap((line, at) => {
    if (!line.includes("state = 'PENDING'")) return [];
    const scan = lines.slice(0, at + 1).reverse().find((above) => /Scan/.test(above)) ?? '';
    return [scan.trim().replace(/\s+\(cost=.*$/, '')];
  });
}

describe('with statistics that count no pending task of the model', () => {
  it("a submit's generic plan reads its queue's head from the queue's index, sorting no task", async () => {
    const plan = await genericPlan(submitStatement(['accountId', 'id']), {
      accountId: ACCOUNT, apiKeyId: null, model: 'image-fast', outTaskId: null, runner: 'CLOUD', input: '{}', metadata: '{}', tags: [],
      priority: 0, startWithinSeconds: null, maxRunSeconds: null, quantum: 1_000_000, state: 'PENDING', holdKind: 'HOLD', event: 'SUBMITTED',
    });
    expect(pendingReads(plan).length).toBeGreaterThan(0);
    for (const read of pendingReads(plan)) expect(read).toContain(`using "${QUEUE_INDEX}"`);
    expect(plan).not.toMatch(/Sort Key: .*rank/);
  });

  it("a claim's generic plan reads its queues from the queue's index", async () => {
    const plan = await genericPlan(CLAIM_TASK, {
      workerId: ACCOUNT, leaseSeconds: 30, models: ['image-fast'], maxRunning: 10, window: 264, state: 'RUNNING', event: 'CLAIMED',
    });
    expect(pendingReads(plan).length).toBeGreaterThan(0);
    for (const read of pendingReads(plan)) expect(read).toContain(`using "${QUEUE_INDEX}"`);
  });
});
