import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readConfig } from '../config.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres.ts';

export interface ScratchServer {
  /** Connection URL of the server's maintenance database, for CREATE/DROP DATABASE. */
  url: string;
  stop(): Promise<void>;
}

/** A new temporary directory for an embedded cluster. */
export async function makeClusterDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  // Run as root, the embedded server drops to its own user, which must reach the cluster.
  await chmod(dir, 0o755);
  return dir;
}

export interface TemporaryPostgresOptions {
  database: string;
  /** Fsync and synchronous commit off: for tests and checks, never for figures. */
  ephemeral: boolean;
  prefix: string;
}

/** An embedded PostgreSQL in a temporary directory of its own, deleted on stop. */
export async function startTemporaryPostgres(options: TemporaryPostgresOptions): Promise<EmbeddedDatabase> {
  const dir = await makeClusterDir(options.prefix);
  const server = await startEmbeddedPostgres({ dir, database: options.database, ephemeral: options.ephemeral }).catch(
    async (error: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw error;
    },
  );
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL server for throw-away databases (tests, benchmarks, checks):
 * the one DATABASE_URL names, else an embedded one in a temporary directory,
 * deleted on stop.
 */
export async function startScratchServer(databaseUrl = readConfig().databaseUrl): Promise<ScratchServer> {
  if (databaseUrl) return { url: databaseUrl, stop: () => Promise.resolve() };
  return startTemporaryPostgres({ database: 'postgres', ephemeral: true, prefix: 'taskgate-pg-' });
}

/** The same server's URL for database `name`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
