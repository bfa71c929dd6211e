import { InvalidParamError } from '../domain/errors.ts';
import { db } from '../db/client.ts';
import { API_KEY_PREFIX, generateKey, hashKey } from './credentials.ts';
import { moveCredits } from './ledger.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client bound to one open transaction. */
type Tx = Prisma.TransactionClient;

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
  const account = await tx.account.create({ data: { name, apiKeys: { create: { hash: hashKey(apiKey) } } } });
  if (credits > 0) await moveCredits(tx, { accountId: account.id, taskId: null, kind: 'GRANT', amount: credits });
  return { accountId: account.id, apiKey };
}

export function createAccount(name: string, credits: number): Promise<NewAccount> {
  return db().$transaction((tx) => openAccount(tx, name, credits));
}

/** Adds credits with a GRANT entry; returns the balance after. */
export async function grantCredits(accountId: string, amount: number): Promise<number> {
  positiveCredits(amount);
  const balance = await db().$transaction((tx) =>
    moveCredits(tx, { accountId, taskId: null, kind: 'GRANT', amount }),
  );
  if (balance === null) throw new InvalidParamError('account', `No account ${accountId}.`);
  return balance;
}

/** Another API key for the account, e.g. to rotate keys. */
export async function createApiKey(accountId: string): Promise<string> {
  const apiKey = generateKey(API_KEY_PREFIX);
  const { count } = await db().$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { id: accountId }, select: { id: true } });
    if (!account) return { count: 0 };
    await tx.apiKey.create({ data: { accountId, hash: hashKey(apiKey) } });
    return { count: 1 };
  });
  if (count === 0) throw new InvalidParamError('account', `No account ${accountId}.`);
  return apiKey;
}
