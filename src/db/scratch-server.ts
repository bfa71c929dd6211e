import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface ScratchServer {
  /** Connection URL of the server's maintenance database, for CREATE/DROP DATABASE. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A PostgreSQL server for throw-away databases (tests, benchmarks, checks):
 * the one DATABASE_URL names, else an embedded one in a temporary directory,
 * deleted on stop.
 */
export async function startScratchServer(databaseUrl = process.env.DATABASE_URL): Promise<ScratchServer> {
  if (databaseUrl) return { url: databaseUrl, stop: () => Promise.resolve() };
  const dir = await mkdtemp(path.join(tmpdir(), 'taskgate-pg-'));
  // Run as root, the embedded server drops to its own user, which must reach the cluster.
  await chmod(dir, 0o755);
  const server = await startEmbeddedPostgres({ dir, database: 'postgres', ephemeral: true }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The same server's URL for database `name`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
