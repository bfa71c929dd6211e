import type { LedgerEntryKind } from '../generated/prisma/enums.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client bound to one open transaction. */
type Tx = Prisma.TransactionClient;

export interface CreditMove {
  accountId: string;
  taskId: string | null;
  kind: LedgerEntryKind;
  /** Signed: negative takes credits from the account. */
  amount: number;
}

/**
 * Moves credits and writes the ledger entry in the caller's transaction.
 * Returns the balance after, or null when the account cannot pay: the
 * conditional update takes the account's row lock, so concurrent moves queue
 * behind it and none can overdraw.
 */
export async function moveCredits(tx: Tx, move: CreditMove): Promise<number | null> {
  const [account] = await tx.$queryRaw<{ balance: number }[]>`
    UPDATE "Account" SET balance = balance + ${move.amount}
    WHERE id = ${move.accountId}::uuid AND balance + ${move.amount} >= 0
    RETURNING balance`;
  if (!account) return null;
  await tx.ledgerEntry.create({
    data: {
      accountId: move.accountId,
      taskId: move.taskId,
      kind: move.kind,
      amount: move.amount,
      balanceAfter: account.balance,
    },
  });
  return account.balance;
}
