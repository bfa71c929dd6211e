import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Database = PrismaClient;

interface Connection {
  prisma: PrismaClient;
  pool: pg.Pool;
}

let current: Connection | undefined;

/**
 * Opens this process's pool; called once by the entry point or a test's setup.
 * Prisma and the hand-written statements of the hot paths share the one pool.
 */
export function connectDatabase(url: string, poolSize = 10): PrismaClient {
  if (current) throw new Error('database already connected');
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection dropped by the server (a restart, say) is replaced on next use;
  // unhandled, the pool's error event would end the process.
  pool.on('error', () => undefined);
  current = { prisma: new PrismaClient({ adapter: new PrismaPg(pool) }), pool };
  return current.prisma;
}

export async function disconnectDatabase(): Promise<void> {
  const connection = current;
  current = undefined;
  if (!connection) return;
  await connection.prisma.$disconnect();
  await connection.pool.end();
}

function connection(): Connection {
  if (!current) throw new Error('database not connected');
  return current;
}

/** The process's Prisma client. */
export function db(): PrismaClient {
  return connection().prisma;
}

/** The process's connection pool, for the statements Prisma does not write. */
export function pool(): pg.Pool {
  return connection().pool;
}
