import os from 'node:os';
import { queryOnce } from '../src/db/query-once.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  kernel: string;
  node: string;
  postgres: string;
  /** PostgreSQL settings that bear on the figures. */
  postgresSettings: string;
}

const SETTINGS = ['fsync', 'synchronous_commit', 'shared_buffers', 'max_connections'];

export async function describeMachine(databaseUrl: string): Promise<Machine> {
  const [version] = await queryOnce<{ server_version: string }>(databaseUrl, 'SHOW server_version');
  const settings = await queryOnce<{ name: string; value: string }>(
    databaseUrl,
    `SELECT name, current_setting(name) AS value FROM pg_settings WHERE name IN (${SETTINGS.map((name) => `'${name}'`).join(', ')}) ORDER BY name`,
  );
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: version?.server_version ?? 'unknown',
    postgresSettings: settings.map((row) => `${row.name}=${row.value}`).join(', '),
  };
}
