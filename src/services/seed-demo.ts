import { accountCount } from '../db/sql/accounts.ts';
import { inTransaction, lockForTransaction } from '../db/sql/transaction.ts';
import { openAccount } from './accounts.ts';
import { registerWorker } from './workers.ts';

export const DEMO_CREDITS = 1_000;
/** Serialises concurrent starts so an empty database gets one demo account. */
const DEMO_SEED_LOCK = 7_263_001;

export interface DemoCredentials {
  accountId: string;
  apiKey: string;
  workerId: string;
  workerKey: string;
}

/** Creates the demo account and worker when the database has no account yet; undefined otherwise. */
export function seedDemo(): Promise<DemoCredentials | undefined> {
  return inTransaction(async (tx) => {
    await lockForTransaction(tx, DEMO_SEED_LOCK);
    if ((await accountCount(tx)) > 0) return undefined;
    const account = await openAccount(tx, 'demo', DEMO_CREDITS);
    const worker = await registerWorker(tx, 'demo-worker');
    return { ...account, ...worker };
  });
}
