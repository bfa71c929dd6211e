import { randomBytes } from 'node:crypto';
import { readConfig } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { queryOnce } from '../src/db/query-once.ts';
import { databaseUrl, startTemporaryPostgres } from '../src/db/scratch-server.ts';

export interface BenchDatabase {
  url: string;
  /** Where the figures' PostgreSQL ran, for the report. */
  description: string;
  stop(): Promise<void>;
}

/** A scratch database on the server DATABASE_URL names, dropped afterwards. */
async function onServer(serverUrl: string): Promise<BenchDatabase> {
  const name = `taskgate_bench_${randomBytes(6).toString('hex')}`;
  await queryOnce(serverUrl, `CREATE DATABASE ${name}`);
  const url = databaseUrl(serverUrl, name);
  return {
    url,
    description: 'a scratch database on the PostgreSQL server that DATABASE_URL names',
    stop: async () => {
      await queryOnce(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/**
 * An embedded cluster of its own, with PostgreSQL's durable defaults (fsync
 * and synchronous commit on), unlike the test clusters: commit latency is part
 * of what a benchmark measures.
 */
async function embedded(): Promise<BenchDatabase> {
  const server = await startTemporaryPostgres({ database: 'taskgate_bench', ephemeral: false, prefix: 'taskgate-bench-' });
  return {
    ...server,
    description: 'embedded PostgreSQL (the npm package), its own cluster on local disk, durable settings',
  };
}

/** A migrated, empty database for one benchmark run. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const serverUrl = readConfig().databaseUrl;
  const database = serverUrl ? await onServer(serverUrl) : await embedded();
  try {
    await migrate(database.url);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}
