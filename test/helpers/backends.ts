import pg from 'pg';

export interface Backend {
  pid: number;
  state: string | null;
  waitEventType: string | null;
}

/**
 * The PostgreSQL sessions a process opened, known by the application name
 * it was started with (`PGAPPNAME`, which every pg connection reports).
 */
export async function backendsOf(databaseUrl: string, applicationName: string): Promise<Backend[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Backend>(
      `SELECT pid, state, wait_event_type AS "waitEventType" FROM pg_stat_activity
       WHERE application_name = $1 AND pid <> pg_backend_pid()`,
      [applicationName],
    );
    return rows;
  } finally {
    await client.end();
  }
}
