import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';
import type { Tx } from './transaction.ts';

/**
 * The one writer of ledger entries, as common table expressions a statement
 * includes: for each row of `movements` (`"accountId"`, `"taskId"`, `kind`,
 * signed `amount`, the change of the account's running tasks `running`, and
 * the task's `"apiKeyId"` and `tags`), the account's balance and running
 * count move in one update, which takes its row lock, and an entry of a
 * nonzero amount is appended with the balance after. An overdraw breaks the
 * balance CHECK and aborts the whole statement, with whatever else it wrote.
 *
 * A task's hold or refund also moves the spend of every budget whose scope
 * holds the task, in the budget's current period, after the balance (so
 * every statement takes its locks in one order); a hold past a budget's limit
 * is refused by the spend's trigger, which aborts the statement alike. The
 * budgets are those of the statement's snapshot: should one have been made or
 * removed since (the account's budget version moved under its lock), the
 * statement fails as a serialization failure, to be run again. When
 * `thresholds` names the statement's rows of those tasks and its CTE of their
 * events, a hold that takes a budget across one of its thresholds logs a
 * BUDGET_THRESHOLD event of its task, once per crossing, after the task's own
 * event. Defines `<prefix>_balance` (`"accountId"`,
 * `balance`) and `<prefix>_entry`.
 */
export function ledgerEntryCtes(prefix: string, movements: string, thresholds?: { tasks: string; after: string }): string {
  return `${prefix}_movement AS (
  ${movements}
), ${prefix}_balance AS (
  UPDATE "Account" a SET balance = a.balance + m.amount, "runningTasks" = a."runningTasks" + m.running
  FROM ${prefix}_movement m WHERE a.id = m."accountId" AND (m.amount <> 0 OR m.running <> 0)
  RETURNING a.id AS "accountId", a.balance, a."budgetVersion", m."taskId", m.kind, m.amount, m."apiKeyId", m.tags
), ${prefix}_entry AS (
  INSERT INTO "LedgerEntry" ("accountId", "taskId", kind, amount, "balanceAfter")
  SELECT "accountId", "taskId", kind, amount, balance FROM ${prefix}_balance b
  WHERE b.amount <> 0 AND taskgate_budgets_unchanged(b."budgetVersion", (SELECT "budgetVersion" FROM "Account" WHERE id = b."accountId"))
  RETURNING id
), ${prefix}_budget_delta AS (
  SELECT b.id AS "budgetId", taskgate_budget_period_start(b.period, b."createdAt", now()) AS "periodStart",
    sum(-m.amount)::int AS delta, (array_agg(m."taskId"))[1] AS "taskId"
  FROM ${prefix}_balance m JOIN "Budget" b ON b."accountId" = m."accountId"
    AND (b.scope = 'ACCOUNT' OR (b.scope = 'API_KEY' AND b."apiKeyId" = m."apiKeyId") OR (b.scope = 'TAG' AND b.tag = ANY(m.tags)))
  WHERE m."taskId" IS NOT NULL AND m.kind IN ('HOLD', 'REFUND') AND m.amount <> 0
  GROUP BY 1, 2
), ${prefix}_spend AS (
  INSERT INTO "BudgetSpend" ("budgetId", "periodStart", spent)
  SELECT "budgetId", "periodStart", delta FROM ${prefix}_budget_delta
  ON CONFLICT ("budgetId", "periodStart") DO UPDATE SET spent = "BudgetSpend".spent + EXCLUDED.spent
  RETURNING "budgetId", "periodStart", spent
)${thresholds === undefined ? '' : `, ${prefix}_threshold AS (
  INSERT INTO "TaskEvent" ("taskId", "accountId", type, state, progress, version, detail)
  SELECT t.id, t."accountId", 'BUDGET_THRESHOLD', t.state, t.progress, t.version,
    jsonb_build_object('budgetId', b.id, 'threshold', threshold, 'spent', s.spent, 'limit', b."limit", 'periodStart', s."periodStart")
  FROM ${prefix}_spend s
  JOIN ${prefix}_budget_delta d ON d."budgetId" = s."budgetId" AND d."periodStart" = s."periodStart"
  JOIN "Budget" b ON b.id = s."budgetId"
  JOIN ${thresholds.tasks} t ON t.id = d."taskId"
  JOIN ${thresholds.after} logged ON logged."taskId" = t.id
  CROSS JOIN unnest(b.thresholds) AS threshold
  WHERE d.delta > 0 AND s.spent - d.delta < threshold * b."limit" AND s.spent >= threshold * b."limit"
)`}`;
}

interface GrantValues {
  accountId: string;
  amount: number;
}

const GRANT_CREDITS = sql<GrantValues>(
  'grant_credits',
  `
WITH ${ledgerEntryCtes(
  'granted',
  `SELECT :accountId::uuid AS "accountId", NULL::uuid AS "taskId", 'GRANT'::"LedgerEntryKind" AS kind, :amount::int AS amount, 0 AS running, NULL::uuid AS "apiKeyId", NULL::text[] AS tags`,
)}
SELECT balance FROM granted_balance`,
);

/** Adds credits to an account with a GRANT entry; the balance after, or undefined when there is no such account. */
export async function grantCredits(values: GrantValues, on?: Tx): Promise<number | undefined> {
  const [row] = await rowsOf<{ balance: number }, GrantValues>(on ?? pool(), GRANT_CREDITS, values);
  return row?.balance;
}

