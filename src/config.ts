import path from 'node:path';
import { DEFAULT_EVENT_POLL_MS } from './events/poll.ts';
import { DEFAULT_EVENT_RETENTION_DAYS } from './events/retention.ts';
import { DEFAULT_LISTENER_BUFFER } from './events/stream-closed.ts';

export interface Config {
  /** TCP port of the HTTP server; 0 picks a free one. */
  port: number;
  /** PostgreSQL to use; undefined starts the embedded server. */
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL and the demo credentials live. */
  dataDir: string;
  /** Create demo credentials on an empty database: always, never, or only when embedded. */
  demo: boolean | undefined;
  /** Connections in this instance's PostgreSQL pool. */
  databasePoolSize: number;
  /** How often this instance looks for expired leases. */
  leaseSweepMs: number;
  /** Run a demo worker inside the gateway: always, never, or only when embedded. */
  demoWorker: boolean | undefined;
  /** Days of task events kept for streams to resume from. */
  eventRetentionDays: number;
  /** Undelivered events a listener may hold before it is closed. */
  listenerBuffer: number;
  /** How often this instance reads the event log unwoken, for wake-ups lost while LISTEN was down. */
  eventPollMs: number;
  /** Requests per second each key may make on this instance, and at once; 0 turns the limit off. */
  rateLimit: { perSecond: number; burst: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

/** The one reader of the environment. */
export function readConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    dataDir: path.resolve(env.TASKGATE_DATA_DIR ?? '.data'),
    demo: flag(env, 'TASKGATE_DEMO'),
    databasePoolSize: integer(env, 'TASKGATE_DB_POOL_SIZE', 10, 1, 1000),
    leaseSweepMs: integer(env, 'TASKGATE_LEASE_SWEEP_MS', 250, 10, 60_000),
    demoWorker: flag(env, 'TASKGATE_DEMO_WORKER'),
    eventRetentionDays: integer(env, 'TASKGATE_EVENT_RETENTION_DAYS', DEFAULT_EVENT_RETENTION_DAYS, 1, 3650),
    listenerBuffer: integer(env, 'TASKGATE_LISTENER_BUFFER', DEFAULT_LISTENER_BUFFER, 10, 1_000_000),
    eventPollMs: integer(env, 'TASKGATE_EVENT_POLL_MS', DEFAULT_EVENT_POLL_MS, 10, 3_600_000),
    rateLimit: {
      perSecond: integer(env, 'TASKGATE_RATE_LIMIT', 200, 0, 1_000_000),
      burst: integer(env, 'TASKGATE_RATE_BURST', 400, 1, 1_000_000),
    },
  };
}

/** The worker process's key, when not given on its command line. */
export function readWorkerKey(env: Env = process.env): string | undefined {
  return env.TASKGATE_WORKER_KEY === '' ? undefined : env.TASKGATE_WORKER_KEY;
}
