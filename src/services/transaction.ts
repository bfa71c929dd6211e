import type { Prisma } from '../generated/prisma/client.ts';

/** A Prisma client bound to one open transaction. */
export type Tx = Prisma.TransactionClient;
