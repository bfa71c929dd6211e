import path from 'node:path';
import type { Config } from '../config.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrate } from './migrate.ts';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** Migrations this start applied. */
  applied: string[];
  stop(): Promise<void>;
}

/** DATABASE_URL when set, else the embedded PostgreSQL under the data dir; migrated either way. */
export async function openDatabase(config: Config, log: (line: string) => void = () => undefined): Promise<OpenDatabase> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'postgres'), database: 'taskgate', log });
  const url = config.databaseUrl ?? embedded?.url ?? '';
  const applied = await migrate(url).catch(async (error: unknown) => {
    await embedded?.stop();
    throw error;
  });
  return { url, embedded: embedded !== undefined, applied, stop: () => embedded?.stop() ?? Promise.resolve() };
}

/** What a start did with its database, for its log. */
export function openedLine(database: OpenDatabase, dataDir: string): string {
  return (
    `database: ${database.embedded ? `embedded PostgreSQL in ${dataDir}` : 'DATABASE_URL'}` +
    (database.applied.length > 0 ? `; applied ${database.applied.join(', ')}` : '')
  );
}
