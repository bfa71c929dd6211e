import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createApp } from '../../src/app.ts';
import { connectDatabase, disconnectDatabase } from '../../src/db/client.ts';
import type { RateLimit } from '../../src/domain/rate-limit.ts';
import { createHttpServer, listen } from '../../src/http/server.ts';
import { createRateLimiter } from '../../src/services/rate-limiter.ts';
import type { EventHub } from '../../src/events/event-hub.ts';
import { startLiveEvents, type LiveEvents } from '../../src/events/live-events.ts';
import { attachWebSocket, type WebSocketTransport } from '../../src/http/websocket.ts';
import { startLeaseExpiry, type LeaseExpiryLoop } from '../../src/jobs/lease-expiry.ts';
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

/**
 * The real HTTP server on a fresh database of this test file's own, for the
 * file's tests; after each test, the ledger invariants must hold.
 */
export interface GatewayOptions {
  /** A small buffer lets a test reach the slow-listener cut-off quickly. */
  listenerBuffer?: number;
  /** Per-key request limits; none when absent, so other tests may call freely. */
  rateLimit?: RateLimit;
}

export function useTestGateway(options: GatewayOptions = {}): TestGateway {
  let database: TestDatabase | undefined;
  let server: Server | undefined;
  let leaseExpiry: LeaseExpiryLoop | undefined;
  let live: LiveEvents | undefined;
  let websocket: WebSocketTransport | undefined;
  let url = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    connectDatabase(database.url);
    leaseExpiry = startLeaseExpiry(50, (error) => {
      throw error;
    });
    live = startLiveEvents({
      databaseUrl: database.url,
      listenerBuffer: options.listenerBuffer,
        log: (line) => {
        throw new Error(line);
      },
    });
    const app = createApp({ events: live.hub, rateLimiter: options.rateLimit && createRateLimiter(options.rateLimit) });
    server = createHttpServer(app);
    websocket = attachWebSocket(server, app);
    url = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}/graphql`;
  });

  afterEach(async () => {
    if (database) expect(await ledgerViolations(database.url)).toEqual([]);
  });

  afterAll(async () => {
    await websocket?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => {
      if (!server) {
        resolve();
        return;
      }
      server.close(() => {
        resolve();
      });
    });
    await leaseExpiry?.stop();
    await live?.stop();
    await disconnectDatabase();
    await database?.drop();
  });

  return {
    get url() {
      return url;
    },
    get events() {
      if (!live) throw new Error('gateway not started');
      return live.hub;
    },
    get databaseUrl() {
      if (!database) throw new Error('gateway not started');
      return database.url;
    },
    gql: (query, variables, key) => postGraphQL(url, query, variables, key),
  };
}
