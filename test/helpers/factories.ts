import { createAccount, type NewAccount } from '../../src/services/accounts.ts';
import { createWorker, type NewWorker } from '../../src/services/workers.ts';

let sequence = 0;

/** A new account with its API key and an opening grant of `credits`. */
export function givenAccount(credits = 1_000): Promise<NewAccount> {
  sequence += 1;
  return createAccount(`account-${sequence}`, credits);
}

export function givenWorker(): Promise<NewWorker> {
  sequence += 1;
  return createWorker(`worker-${sequence}`);
}
