import pg from 'pg';
import { type ProcessStat, statOf, treeCpuSecondsOf } from './proc-stats.ts';

/** CPU seconds PostgreSQL has used so far: the postmaster and every process it forked, running or ended. */
export type PostgresCpu = () => Promise<number>;

function isPostgres(stat: ProcessStat): boolean {
  return stat.command.startsWith('postgres');
}

/**
 * A reader of the server's CPU, found through /proc from a backend's parent:
 * undefined when the server is not a process of this machine (another host,
 * another PID namespace), so the report can say it was not measured.
 */
export async function findPostgresCpu(databaseUrl: string): Promise<PostgresCpu | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let postmaster: number | undefined;
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = await statOf(rows[0]?.pid ?? 0).catch(() => undefined);
    const parent = backend && isPostgres(backend) ? await statOf(backend.parentPid).catch(() => undefined) : undefined;
    if (backend && parent && isPostgres(parent)) postmaster = backend.parentPid;
  } finally {
    await client.end();
  }
  if (postmaster === undefined) return undefined;
  const pid = postmaster;
  // A backend's CPU counts once: while it runs, in its own stat; after it ended, in the postmaster's reaped total.
  return () => treeCpuSecondsOf(pid);
}
