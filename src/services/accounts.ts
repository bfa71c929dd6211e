import { API_KEY_PREFIX, generateKey, hashKey } from '../auth/credentials.ts';
import { InvalidParamError } from '../domain/errors.ts';
import { insertAccount, insertApiKey } from '../db/sql/accounts.ts';
import { grantCredits as grant } from '../db/sql/ledger.ts';
import { inTransaction, type Tx } from '../db/sql/transaction.ts';

export interface NewAccount {
  accountId: string;
  apiKey: string;
}

function positiveCredits(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > 2_000_000_000) {
    throw new InvalidParamError('amount', 'Credits must be a whole number from 1 to 2,000,000,000.');
  }
  return amount;
}

/** An account with one API key and, when credits > 0, an opening GRANT, in the caller's transaction. */
export async function openAccount(tx: Tx, name: string, credits: number): Promise<NewAccount> {
  if (name.trim() === '') throw new InvalidParamError('name', 'An account needs a name.');
  if (credits !== 0) positiveCredits(credits);
  const apiKey = generateKey(API_KEY_PREFIX);
  const accountId = await insertAccount(tx, { name, keyHash: hashKey(apiKey) });
  if (credits > 0) await grant({ accountId, amount: credits }, tx);
  return { accountId, apiKey };
}

export function createAccount(name: string, credits: number): Promise<NewAccount> {
  return inTransaction((tx) => openAccount(tx, name, credits));
}

/** Adds credits with a GRANT entry; returns the balance after. */
export async function grantCredits(accountId: string, amount: number): Promise<number> {
  const balance = await grant({ accountId, amount: positiveCredits(amount) });
  if (balance === undefined) throw new InvalidParamError('account', `No account ${accountId}.`);
  return balance;
}

/** Another API key for the account, e.g. to rotate keys. */
export async function createApiKey(accountId: string): Promise<string> {
  const apiKey = generateKey(API_KEY_PREFIX);
  if (!(await insertApiKey({ accountId, keyHash: hashKey(apiKey) }))) throw new InvalidParamError('account', `No account ${accountId}.`);
  return apiKey;
}
