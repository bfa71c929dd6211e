import pg from 'pg';

/** Each query lists what breaks one invariant of SPEC §3; all must come back empty. */
const CHECKS: Record<string, string> = {
  'balance equals the sum of the ledger and is never negative': `
    SELECT a.id, a.balance, COALESCE(SUM(l.amount), 0) AS ledger
    FROM "Account" a LEFT JOIN "LedgerEntry" l ON l."accountId" = a.id
    GROUP BY a.id
    HAVING a.balance <> COALESCE(SUM(l.amount), 0) OR a.balance < 0`,
  'every entry records the running balance': `
    SELECT id, "balanceAfter", running FROM (
      SELECT id, "balanceAfter", SUM(amount) OVER (PARTITION BY "accountId" ORDER BY id) AS running
      FROM "LedgerEntry") entries
    WHERE "balanceAfter" <> running`,
  'a terminal task used minus the sum of its entries, null for 0': `
    SELECT t.id, t."creditsUsed", -COALESCE(SUM(l.amount), 0) AS ledger
    FROM "Task" t LEFT JOIN "LedgerEntry" l ON l."taskId" = t.id
    WHERE t.state IN ('COMPLETED', 'FAILED', 'CANCELLED')
    GROUP BY t.id
    HAVING t."creditsUsed" IS DISTINCT FROM NULLIF(-COALESCE(SUM(l.amount), 0), 0)`,
  'a priced task holds its price exactly once': `
    SELECT t.id FROM "Task" t
    WHERE t.price > 0 AND (SELECT COUNT(*) FROM "LedgerEntry" l
                           WHERE l."taskId" = t.id AND l.kind = 'HOLD' AND l.amount = -t.price) <> 1`,
  "a task's last event shows its current state": `
    SELECT t.id, t.state, e.state AS "eventState" FROM "Task" t
    JOIN LATERAL (SELECT state FROM "TaskEvent" WHERE "taskId" = t.id ORDER BY id DESC LIMIT 1) e ON true
    WHERE e.state <> t.state`,
  "a budget's spend in a period is the ledger's holds minus refunds of its scope in it": `
    SELECT s."budgetId", s."periodStart", s.spent, COALESCE(l.total, 0) AS ledger
    FROM "BudgetSpend" s JOIN "Budget" b ON b.id = s."budgetId"
    LEFT JOIN LATERAL (
      SELECT SUM(-e.amount) AS total FROM "LedgerEntry" e JOIN "Task" t ON t.id = e."taskId"
      WHERE e."accountId" = b."accountId" AND e.kind IN ('HOLD', 'REFUND') AND e."createdAt" >= s."periodStart"
        AND (b.period = 'TOTAL' OR e."createdAt" < s."periodStart" + CASE b.period WHEN 'DAY' THEN interval '1 day' ELSE interval '1 month' END)
        AND (b.scope = 'ACCOUNT' OR (b.scope = 'API_KEY' AND t."apiKeyId" = b."apiKeyId") OR (b.scope = 'TAG' AND b.tag = ANY(t.tags)))
    ) l ON true
    WHERE s.spent <> COALESCE(l.total, 0)`,
  'every task whose history is kept starts with its SUBMITTED event': `
    SELECT t.id FROM "Task" t
    WHERE (SELECT type FROM "TaskEvent" WHERE "taskId" = t.id ORDER BY id LIMIT 1) <> 'SUBMITTED'`,
};

/** The broken invariants of the database, with offending rows; empty when all hold. */
export async function ledgerViolations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const violations: string[] = [];
    for (const [rule, sql] of Object.entries(CHECKS)) {
      const { rows } = await client.query(sql);
      if (rows.length > 0) violations.push(`${rule}: ${JSON.stringify(rows.slice(0, 5))}`);
    }
    return violations;
  } finally {
    await client.end();
  }
}
