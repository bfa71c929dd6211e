import { rm } from 'node:fs/promises';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { makeClusterDir } from '../../src/db/scratch-server.ts';

/** A PostgreSQL of one test's own, which it may stop and start again: the shared one serves other files. */
export interface RestartablePostgres {
  /** The `taskgate` database; the same URL before and after a restart. */
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data, as an operator's restart would. */
  start(): Promise<void>;
  /** Stops it if running and deletes its data. */
  remove(): Promise<void>;
}

export async function startRestartablePostgres(prefix: string): Promise<RestartablePostgres> {
  const dir = await makeClusterDir(prefix);
  const open = (port?: number): Promise<EmbeddedDatabase> => startEmbeddedPostgres({ dir, database: 'taskgate', ephemeral: true, port });
  let running: EmbeddedDatabase | undefined = await open().catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const { url } = running;
  const port = Number(new URL(url).port);
  const stop = async (): Promise<void> => {
    const server = running;
    running = undefined;
    await server?.stop();
  };
  return {
    url,
    stop,
    async start() {
      running ??= await open(port);
    },
    async remove() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
