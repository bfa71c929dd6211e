import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = PrismaClient;

let current: PrismaClient | undefined;

/** Opens this process's pool; called once by the entry point or a test's setup. */
export function connectDatabase(url: string, poolSize = 10): PrismaClient {
  if (current) throw new Error('database already connected');
  current = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: poolSize }) });
  return current;
}

export async function disconnectDatabase(): Promise<void> {
  const client = current;
  current = undefined;
  await client?.$disconnect();
}

/** The process's Prisma client. */
export function db(): PrismaClient {
  if (!current) throw new Error('database not connected');
  return current;
}
