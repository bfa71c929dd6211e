import { pool } from '../client.ts';
import { rowsOf, sql } from './statement.ts';
import type { Tx } from './transaction.ts';

interface NewAccountValues {
  name: string;
  /** SHA-256 of its first API key. */
  keyHash: string;
}

const INSERT_ACCOUNT = sql<NewAccountValues>(
  'insert_account',
  `
WITH account AS (
  INSERT INTO "Account" (name) VALUES (:name) RETURNING id
), api_key AS (
  INSERT INTO "ApiKey" ("accountId", hash) SELECT id, :keyHash FROM account
)
SELECT id FROM account`,
);

interface NewKeyValues {
  accountId: string;
  keyHash: string;
}

const INSERT_API_KEY = sql<NewKeyValues>(
  'insert_api_key',
  `INSERT INTO "ApiKey" ("accountId", hash) SELECT id, :keyHash FROM "Account" WHERE id = :accountId::uuid RETURNING id`,
);

const ACCOUNT_COUNT = sql('account_count', `SELECT count(*)::int AS count FROM "Account"`);

/** A new account with its first API key, in the caller's transaction; its id. */
export async function insertAccount(tx: Tx, values: NewAccountValues): Promise<string> {
  const [row] = await rowsOf<{ id: string }, NewAccountValues>(tx, INSERT_ACCOUNT, values);
  if (!row) throw new Error('INSERT of an account returned no row');
  return row.id;
}

/** Another API key of an account; false when there is no such account. */
export async function insertApiKey(values: NewKeyValues): Promise<boolean> {
  return (await rowsOf(pool(), INSERT_API_KEY, values)).length > 0;
}

export async function accountCount(tx: Tx): Promise<number> {
  const [row] = await rowsOf<{ count: number }, Record<string, never>>(tx, ACCOUNT_COUNT, {});
  return row?.count ?? 0;
}
