import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';
import type { Tx } from './transaction.ts';

/**
 * The one writer of ledger entries, as common table expressions a statement
 * includes: for each row of `movements` (`"accountId"`, `"taskId"`, `kind`,
 * signed `amount`), the account's balance moves, which takes its row lock,
 * and the entry is appended with the balance after. An overdraw breaks the
 * balance CHECK and aborts the whole statement, with whatever else it wrote.
 * Defines `<prefix>_balance` (`"accountId"`, `balance`) and `<prefix>_entry`.
 */
export function ledgerEntryCtes(prefix: string, movements: string): string {
  return `${prefix}_movement AS (
  ${movements}
), ${prefix}_balance AS (
  UPDATE "Account" a SET balance = a.balance + m.amount
  FROM ${prefix}_movement m WHERE a.id = m."accountId" AND m.amount <> 0
  RETURNING a.id AS "accountId", a.balance, m."taskId", m.kind, m.amount
), ${prefix}_entry AS (
  INSERT INTO "LedgerEntry" ("accountId", "taskId", kind, amount, "balanceAfter")
  SELECT "accountId", "taskId", kind, amount, balance FROM ${prefix}_balance
  RETURNING id
)`;
}

interface GrantValues {
  accountId: string;
  amount: number;
}

const GRANT_CREDITS = sql<GrantValues>(
  'grant_credits',
  `
WITH ${ledgerEntryCtes('granted', `SELECT :accountId::uuid AS "accountId", NULL::uuid AS "taskId", 'GRANT'::"LedgerEntryKind" AS kind, :amount::int AS amount`)}
SELECT balance FROM granted_balance`,
);

/** Adds credits to an account with a GRANT entry; the balance after, or undefined when there is no such account. */
export async function grantCredits(values: GrantValues, on?: Tx): Promise<number | undefined> {
  const [row] = await rowsOf<{ balance: number }, GrantValues>(on ?? pool(), GRANT_CREDITS, values);
  return row?.balance;
}

