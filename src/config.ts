import { availableParallelism } from 'node:os';
import path from 'node:path';
import { addressPolicy } from './webhooks/address-guard.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './webhooks/retry-schedule.ts';

export const DEFAULT_PORT = 4000;
/** Days of task events kept for streams to resume from, by default. */
export const DEFAULT_EVENT_RETENTION_DAYS = 7;
/** How far behind a listener may fall, by default, before it is cut off and must resume with its cursor. */
export const DEFAULT_LISTENER_BUFFER = 1_000;
/** And how many bytes of undelivered events it may hold, by default. */
export const DEFAULT_LISTENER_BUFFER_BYTES = 8 * 1024 * 1024;
/**
 * How often an instance reads the event log unwoken, by default: it covers a
 * wake-up lost while LISTEN was down, or a read that passed over events of a
 * transaction still running then. Often enough that such events wait a
 * moment, rare enough to cost nothing.
 */
export const DEFAULT_EVENT_POLL_MS = 200;

export type LogFormat = 'json' | 'pretty';

export interface Config {
  /** TCP port of the HTTP server; 0 picks a free one. */
  port: number;
  /** Address to listen on; undefined: 127.0.0.1 for the embedded demo, every interface otherwise. */
  host: string | undefined;
  /** PostgreSQL to use; undefined starts the embedded server. */
  databaseUrl: string | undefined;
  /** Where the embedded PostgreSQL and the demo credentials live. */
  dataDir: string;
  /** Create demo credentials on an empty database: always, never, or only when embedded. */
  demo: boolean | undefined;
  /** Connections in this instance's PostgreSQL pool; with several processes, each has a pool this size. */
  databasePoolSize: number;
  /** Gateway processes serving this port together (node:cluster), one per core for a machine's every core. */
  processes: number;
  /** How often this instance looks for expired leases. */
  leaseSweepMs: number;
  /** Run a demo worker inside the gateway: always, never, or only when embedded. */
  demoWorker: boolean | undefined;
  /** Days of task events kept for streams to resume from. */
  eventRetentionDays: number;
  /** Undelivered events a listener may hold before it is closed. */
  listenerBuffer: number;
  /** Bytes of undelivered events a listener may hold before it is closed. */
  listenerBufferBytes: number;
  /** Streams one key may have open on this instance, over every transport. */
  maxSubscriptionsPerKey: number;
  /** Operations one WebSocket may have open at once. */
  maxSubscriptionsPerConnection: number;
  /** Events one key's streams may be handed per second on this instance, together; 0 for no bound. */
  maxDeliveriesPerKey: number;
  /** RUNNING tasks one account may have at once, across every instance and worker. */
  maxRunningPerAccount: number;
  /** How often this instance reads the event log unwoken, for wake-ups lost while LISTEN was down. */
  eventPollMs: number;
  /** Requests per second each key may make, and at once; 0 turns the limit off. */
  rateLimit: { perSecond: number; burst: number };
  /** Redis the instances count requests in, so a key gets its limit once between them; undefined: each instance counts alone. */
  redisUrl: string | undefined;
  /** Prefix of this deployment's keys in Redis, so deployments can share one. */
  redisKeyPrefix: string;
  /** pino's level names: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string;
  /** undefined: pretty on a terminal, JSON lines otherwise. */
  logFormat: LogFormat | undefined;
  /** Origins a browser may call from; empty sends no CORS headers, so only same-origin pages can. */
  corsOrigins: string[];
  /** Serve GraphiQL on GET /graphql: always, never, or only when embedded. */
  graphiql: boolean | undefined;
  /** Answer introspection queries: always, never, or only when embedded. */
  introspection: boolean | undefined;
  /** /metrics: off, on the main port, or on a port of its own. */
  metrics: { enabled: boolean; port: number | undefined };
  /** How long a stop waits for requests in flight before it closes their connections. */
  shutdownGraceMs: number;
  /** Webhook delivery: what it may call, how long it waits, how it retries, how many endpoints it serves at once. */
  webhooks: WebhookConfig;
  /** Where to send traces over OTLP/HTTP, and the service name they carry; tracing is off when unset. */
  tracing: { endpoint: string; serviceName: string } | undefined;
}

export interface WebhookConfig {
  /** Addresses or CIDRs endpoints may reach although they are not public (loopback, private, link-local). */
  allowedAddresses: string[];
  timeoutMs: number;
  retry: RetryPolicy;
  leaseMs: number;
  concurrency: number;
  pollMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be 1 or 0, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[]): T | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const value = values.find((candidate) => candidate === raw.toLowerCase());
  if (value === undefined) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
  return value;
}

/** `auto` for one per core of this machine, else how many. */
function processCount(env: Env): number {
  const raw = text(env, 'TASKGATE_PROCESSES');
  if (raw?.toLowerCase() === 'auto') return availableParallelism();
  const value = Number(raw ?? 1);
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new ConfigError(`TASKGATE_PROCESSES must be auto or an integer from 1 to 256, got "${raw}"`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function origins(env: Env, name: string): string[] {
  const list = (text(env, name) ?? '').split(',').map((origin) => origin.trim()).filter(Boolean);
  for (const origin of list) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`${name} must list origins such as https://app.example.com (scheme and host, no path), or *; got "${origin}"`);
    }
  }
  return list;
}

function url(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!URL.canParse(raw)) throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  return raw;
}

function addressList(env: Env, name: string): string[] {
  const list = (text(env, name) ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    addressPolicy(list);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  return list;
}

const HOUR_MS = 3_600_000;

function webhooksOf(env: Env): WebhookConfig {
  const timeoutMs = integer(env, 'TASKGATE_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000);
  return {
    allowedAddresses: addressList(env, 'TASKGATE_WEBHOOK_ALLOWED_ADDRESSES'),
    timeoutMs,
    retry: {
      baseMs: integer(env, 'TASKGATE_WEBHOOK_RETRY_BASE_MS', DEFAULT_RETRY_POLICY.baseMs, 1, HOUR_MS),
      maxMs: integer(env, 'TASKGATE_WEBHOOK_RETRY_MAX_MS', DEFAULT_RETRY_POLICY.maxMs, 1, 24 * HOUR_MS),
      giveUpAfterMs: integer(env, 'TASKGATE_WEBHOOK_RETRY_WINDOW_MS', DEFAULT_RETRY_POLICY.giveUpAfterMs, 1, 30 * 24 * HOUR_MS),
    },
    // A lease outlives any one attempt, so a live instance never loses an endpoint mid-attempt.
    leaseMs: Math.max(integer(env, 'TASKGATE_WEBHOOK_LEASE_MS', 30_000, 100, HOUR_MS), 2 * timeoutMs),
    concurrency: integer(env, 'TASKGATE_WEBHOOK_CONCURRENCY', 16, 1, 1_000),
    pollMs: integer(env, 'TASKGATE_WEBHOOK_POLL_MS', 1_000, 10, 60_000),
  };
}

/** OpenTelemetry's own variables: its SDK reads the rest of them (headers, protocol, sampler) itself. */
function tracingOf(env: Env): Config['tracing'] {
  const endpoint = url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return endpoint ? { endpoint, serviceName: text(env, 'OTEL_SERVICE_NAME') ?? 'taskgate' } : undefined;
}

/** The one reader of the environment. */
export function readConfig(env: Env = process.env): Config {
  const metricsPort = text(env, 'TASKGATE_METRICS_PORT');
  return {
    port: integer(env, 'PORT', DEFAULT_PORT, 0, 65535),
    host: text(env, 'HOST'),
    databaseUrl: url(env, 'DATABASE_URL'),
    dataDir: path.resolve(text(env, 'TASKGATE_DATA_DIR') ?? '.data'),
    demo: flag(env, 'TASKGATE_DEMO'),
    databasePoolSize: integer(env, 'TASKGATE_DB_POOL_SIZE', 10, 1, 1000),
    processes: processCount(env),
    leaseSweepMs: integer(env, 'TASKGATE_LEASE_SWEEP_MS', 250, 10, 60_000),
    demoWorker: flag(env, 'TASKGATE_DEMO_WORKER'),
    eventRetentionDays: integer(env, 'TASKGATE_EVENT_RETENTION_DAYS', DEFAULT_EVENT_RETENTION_DAYS, 1, 3650),
    listenerBuffer: integer(env, 'TASKGATE_LISTENER_BUFFER', DEFAULT_LISTENER_BUFFER, 10, 1_000_000),
    listenerBufferBytes: integer(env, 'TASKGATE_LISTENER_BUFFER_BYTES', DEFAULT_LISTENER_BUFFER_BYTES, 64 * 1024, 1024 * 1024 * 1024),
    maxSubscriptionsPerKey: integer(env, 'TASKGATE_MAX_SUBSCRIPTIONS_PER_KEY', 500, 1, 1_000_000),
    maxSubscriptionsPerConnection: integer(env, 'TASKGATE_MAX_SUBSCRIPTIONS_PER_CONNECTION', 100, 1, 100_000),
    maxDeliveriesPerKey: integer(env, 'TASKGATE_MAX_DELIVERIES_PER_KEY', 2_000, 0, 10_000_000),
    maxRunningPerAccount: integer(env, 'TASKGATE_MAX_RUNNING_PER_ACCOUNT', 100, 1, 1_000_000),
    eventPollMs: integer(env, 'TASKGATE_EVENT_POLL_MS', DEFAULT_EVENT_POLL_MS, 10, 3_600_000),
    rateLimit: {
      perSecond: integer(env, 'TASKGATE_RATE_LIMIT', 200, 0, 1_000_000),
      burst: integer(env, 'TASKGATE_RATE_BURST', 400, 1, 1_000_000),
    },
    redisUrl: text(env, 'REDIS_URL'),
    redisKeyPrefix: text(env, 'TASKGATE_REDIS_PREFIX') ?? 'taskgate:',
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS) ?? 'info',
    logFormat: oneOf(env, 'TASKGATE_LOG_FORMAT', ['json', 'pretty'] as const),
    corsOrigins: origins(env, 'TASKGATE_CORS_ORIGINS'),
    graphiql: flag(env, 'TASKGATE_GRAPHIQL'),
    introspection: flag(env, 'TASKGATE_INTROSPECTION'),
    metrics: {
      enabled: flag(env, 'TASKGATE_METRICS') ?? true,
      port: metricsPort === undefined ? undefined : integer(env, 'TASKGATE_METRICS_PORT', 0, 0, 65535),
    },
    shutdownGraceMs: integer(env, 'TASKGATE_SHUTDOWN_GRACE_MS', 10_000, 0, 3_600_000),
    webhooks: webhooksOf(env),
    tracing: tracingOf(env),
  };
}

/** The worker process's key, when not given on its command line. */
export function readWorkerKey(env: Env = process.env): string | undefined {
  return text(env, 'TASKGATE_WORKER_KEY');
}
