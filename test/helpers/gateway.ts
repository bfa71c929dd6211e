import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type Config, readConfig } from '../../src/config.ts';
import type { RateLimit } from '../../src/auth/rate-limiter.ts';
import type { EventHub } from '../../src/events/event-hub.ts';
import { type Gateway, startGateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { type GraphQLResponse, postGraphQL } from './graphql-http.ts';
import { ledgerViolations } from './invariants.ts';

export interface TestGateway {
  /** http://127.0.0.1:PORT/graphql */
  readonly url: string;
  readonly databaseUrl: string;
  /** This instance's event hub, to see its listeners come and go. */
  readonly events: EventHub;
  /** One GraphQL operation over real HTTP, as `key`'s bearer when given. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
}

export interface GatewayOptions {
  /** A small buffer lets a test reach the slow-listener cut-off quickly. */
  listenerBuffer?: number;
  /** Per-key request limits; none when absent, so other tests may call freely. */
  rateLimit?: RateLimit;
  /** Any other setting, as the environment would give it. */
  env?: Record<string, string>;
}

/** The configuration of a test's gateway: its own database, any free port, no demo, quick lease sweeps. */
export function testConfig(databaseUrl: string, options: GatewayOptions = {}): Config {
  const config = readConfig({ TASKGATE_LEASE_SWEEP_MS: '50', TASKGATE_RATE_LIMIT: '0', ...options.env });
  return {
    ...config,
    databaseUrl,
    port: 0,
    host: config.host ?? '127.0.0.1',
    demo: false,
    demoWorker: false,
    // As on the embedded demo, unless a test says otherwise.
    graphiql: config.graphiql ?? true,
    introspection: config.introspection ?? true,
    ...(options.listenerBuffer === undefined ? {} : { listenerBuffer: options.listenerBuffer }),
    ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
  };
}

/**
 * The real gateway, assembled as `npm start` assembles it, on a fresh
 * database of this test file's own, for the file's tests; after each test,
 * the ledger invariants must hold.
 */
export function useTestGateway(options: GatewayOptions = {}): TestGateway {
  let database: TestDatabase | undefined;
  let gateway: Gateway | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    gateway = await startGateway(testConfig(database.url, options), silentLogger());
  });

  afterEach(async () => {
    if (database) expect(await ledgerViolations(database.url)).toEqual([]);
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  const started = (): Gateway => {
    if (!gateway) throw new Error('gateway not started');
    return gateway;
  };
  return {
    get url() {
      return started().url;
    },
    get events() {
      return started().events;
    },
    get databaseUrl() {
      return started().databaseUrl;
    },
    gql: (query, variables, key) => postGraphQL(started().url, query, variables, key),
  };
}
