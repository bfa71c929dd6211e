import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { connectDatabase, disconnectDatabase, pool } from './db/client.ts';
import { unappliedMigrations } from './db/sql/migrations.ts';
import { readMigrations } from './db/migrations.ts';
import { openDatabase, openedLine, type OpenDatabase } from './db/open-database.ts';
import { type DemoWorker, showDemoCredentials, startDemoWorker } from './demo/demo.ts';
import type { EventHub } from './events/event-hub.ts';
import { newestEventAt } from './db/sql/event-log.ts';
import { type LiveEvents, startLiveEvents } from './events/live-events.ts';
import { WakeWaiters } from './events/wake-waiters.ts';
import { serveHealth, serveReady, type ReadinessCheck } from './http/health.ts';
import { listenForMetrics, serveMetrics } from './http/metrics-endpoint.ts';
import { closableServer } from './http/closable-server.ts';
import { createHttpServer, type Endpoint, graphqlUrl, listen, listenHost } from './http/server.ts';
import { attachWebSocket } from './http/websocket.ts';
import { startBudgetEnforcement } from './jobs/budget-enforcement.ts';
import { startBulkCancelRunner } from './jobs/bulk-cancel-runner.ts';
import { startEventRetention } from './jobs/event-retention.ts';
import { startLeaseExpiry } from './jobs/lease-expiry.ts';
import { metricsOfCluster } from './observability/cluster-metrics.ts';
import { GatewayMetrics } from './observability/metrics.ts';
import { outageLog } from './observability/outage-log.ts';
import { clusterCounter } from './auth/cluster-rate-limits.ts';
import { createRateLimiter, memoryCounter } from './auth/rate-limiter.ts';
import { sharedCounter } from './auth/shared-rate-limits.ts';
import { webhookBacklog } from './db/sql/webhook-deliveries.ts';
import { addressPolicy } from './webhooks/address-guard.ts';
import { startWebhookDispatcher } from './webhooks/dispatcher.ts';
import { heardOfRevocation, KEY_REVOCATION_CHANNEL } from './auth/revocation.ts';

export interface Gateway {
  /** http://HOST:PORT/graphql */
  readonly url: string;
  readonly port: number;
  /** Where /metrics is served when it has a port of its own. */
  readonly metricsPort: number | undefined;
  readonly databaseUrl: string;
  /** This instance's event hub. */
  readonly events: EventHub;
  /**
   * Drains and stops: new connections are refused, streams end with
   * SHUTTING_DOWN and a cursor to resume from, requests in flight finish
   * (their connections are closed after the grace period), then the
   * background jobs, the pool and the embedded PostgreSQL stop.
   */
  stop(): Promise<void>;
}

/** Lets the streams send their closing reason before their sockets close. */
const STREAM_FLUSH_MS = 200;
/** Runs `steps` in order, each even if one before it failed; fails with the first failure. */
async function inOrder(steps: (() => Promise<void> | void)[]): Promise<void> {
  let failure: Error | undefined;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  if (failure) throw failure;
}

export interface GatewayOptions {
  /** More of the GraphQL server's plugins (tracing's). */
  plugins?: Plugin[];
  /**
   * One of the processes of a cluster (`TASKGATE_PROCESSES`): its primary
   * opened the database, tells the world the gateway listens, and keeps the
   * counts of rate limits (without Redis) and the metrics of every process.
   */
  inCluster?: boolean;
}

/**
 * The one assembly of a gateway instance, used by the process entry, the
 * tests and the benchmark: the database (embedded when no URL is given, and
 * migrated), the pool, the background jobs, the event path, the GraphQL app
 * on HTTP and WebSocket, and the endpoints operators use. `plugins` join the
 * GraphQL server's own (tracing, when on).
 */
export async function startGateway(config: Config, logger: Logger, { plugins = [], inCluster = false }: GatewayOptions = {}): Promise<Gateway> {
  const undo: (() => Promise<void> | void)[] = [];
  const unwind = (): Promise<void> => inOrder(undo.splice(0).reverse()).catch(() => undefined);
  try {
    const database: OpenDatabase = await openDatabase(config, (line) => {
      logger.info(line);
    });
    undo.push(() => database.stop());
    // A cluster's primary opened the database and said so.
    if (!inCluster) logger.info({ embedded: database.embedded, applied: database.applied }, openedLine(database, config.dataDir));
    connectDatabase(database.url, config.databasePoolSize);
    undo.push(disconnectDatabase);
    const migrations = (await readMigrations()).map((migration) => migration.name);
    const demo = (config.demo ?? database.embedded) ? await showDemoCredentials(config.dataDir, logger) : undefined;

    const live: LiveEvents = startLiveEvents({
      databaseUrl: database.url,
      listenerLimits: { items: config.listenerBuffer, bytes: config.listenerBufferBytes },
      maxListenersPerKey: config.maxSubscriptionsPerKey,
      deliveriesPerKey: config.maxDeliveriesPerKey,
      pollMs: config.eventPollMs,
      logger,
      // Keys remembered here are forgotten, and streams opened with a now revoked key end.
      channels: { [KEY_REVOCATION_CHANNEL]: heardOfRevocation },
    });
    undo.push(() => live.stop());
    const metrics = new GatewayMetrics({
      pool: () => ({ total: pool().totalCount, idle: pool().idleCount, waiting: pool().waitingCount }),
      listeners: () => live.hub.listenersByTransport(),
      eventLagSeconds: async () => {
        const delivered = live.hub.lastDeliveredAt;
        if (live.hub.listenerCount === 0 || !delivered) return 0;
        const newest = await newestEventAt().catch(() => undefined);
        return newest ? Math.max(0, (newest.getTime() - delivered.getTime()) / 1000) : Number.NaN;
      },
      webhookBacklog: () => webhookBacklog().catch(() => []),
    });
    const webhooks = startWebhookDispatcher(
      { ...config.webhooks, addresses: addressPolicy(config.webhooks.allowedAddresses) },
      logger,
      (_endpoint, attempt) => {
        metrics.webhookAttempts.inc({ outcome: attempt.outcome });
        metrics.webhookSeconds.observe(attempt.latencyMs / 1000);
      },
    );
    undo.push(() => webhooks.stop());
    const bulkCancels = startBulkCancelRunner(outageLog(logger, 'bulk cancels'));
    undo.push(() => bulkCancels.stop());
    const enforcement = startBudgetEnforcement(outageLog(logger, 'budget enforcement'));
    undo.push(() => enforcement.stop());
    // Bulk cancels and budget enforcement look for work each second on their own: a query on every commit would cost more than the second saves.
    const waitingClaims = new WakeWaiters();
    live.onWake(() => {
      webhooks.wake();
      waitingClaims.wake();
    });
    const sweepLog = outageLog(logger, 'lease expiry sweep');
    const leaseExpiry = startLeaseExpiry(config.leaseSweepMs, {
      swept: (sweep) => {
        sweepLog.succeeded();
        metrics.leaseSweeps.inc({ outcome: 'ok' });
        if (sweep.requeued > 0) metrics.leasesExpired.inc({ outcome: 'requeued' }, sweep.requeued);
        if (sweep.failed > 0) metrics.leasesExpired.inc({ outcome: 'failed' }, sweep.failed);
        if (sweep.deadlines > 0) metrics.deadlines.inc(sweep.deadlines);
      },
      failed: (error) => {
        sweepLog.failed(error);
        metrics.leaseSweeps.inc({ outcome: 'failed' });
      },
    });
    undo.push(() => leaseExpiry.stop());
    const retentionLog = outageLog(logger, 'event retention');
    const retention = startEventRetention(config.eventRetentionDays, {
      pruned: () => {
        retentionLog.succeeded();
      },
      failed: (error) => {
        retentionLog.failed(error);
      },
    });
    undo.push(() => retention.stop());

    const limited = config.rateLimit.perSecond > 0;
    const shared = limited && config.redisUrl ? sharedCounter(config.rateLimit, config.redisUrl, config.redisKeyPrefix, logger) : undefined;
    if (shared) undo.push(() => shared.close());
    const counter = limited ? (shared?.counter ?? (inCluster ? clusterCounter(config.rateLimit) : memoryCounter(config.rateLimit))) : undefined;

    const embedded = database.embedded;
    const app = createApp({
      events: live.hub,
      logger,
      metrics,
      rateLimiter: counter && createRateLimiter(counter),
      webhookAddresses: addressPolicy(config.webhooks.allowedAddresses),
      maxRunningPerAccount: config.maxRunningPerAccount,
      nextWake: (ms, signal) => waitingClaims.next(ms, signal),
      graphiql: config.graphiql ?? embedded,
      introspection: config.introspection ?? embedded,
      corsOrigins: config.corsOrigins,
      plugins,
    });

    let stopping = false;
    const readiness: Record<string, ReadinessCheck> = {
      shutdown: () => Promise.resolve(stopping ? 'shutting down' : undefined),
      database: async () => {
        await pool().query('SELECT 1');
        return undefined;
      },
      migrations: async () => {
        const missing = await unappliedMigrations(migrations);
        return missing.length > 0 ? `not applied: ${missing.join(', ')}` : undefined;
      },
      listen: () => Promise.resolve(live.listening() ? undefined : 'the LISTEN connection for other instances\' commits is down'),
    };
    const metricsSource = inCluster ? metricsOfCluster(metrics.registry) : metrics.registry;
    const metricsEndpoint: Endpoint = (res) => serveMetrics(res, metricsSource);
    const endpoints: Record<string, Endpoint> = {
      '/health': serveHealth,
      '/ready': (res) => serveReady(res, readiness),
      ...(config.metrics.enabled && config.metrics.port === undefined ? { '/metrics': metricsEndpoint } : {}),
    };
    const server = createHttpServer(app, endpoints, { cors: config.corsOrigins.length > 0 });
    const closeServer = closableServer(server);
    const websocket = attachWebSocket(server, app, logger, {
      maxOperationsPerSocket: config.maxSubscriptionsPerConnection,
      // A socket holds at most one frame unsent per open operation; past twice a listener's bound, it is not reading.
      maxUnsentBytes: 2 * config.listenerBufferBytes,
    });
    const host = listenHost(config.host, embedded);
    const port = await listen(server, config.port, host);
    undo.push(() => closeServer(0));
    // A cluster's primary serves the metrics port for all its processes.
    const metricsServer =
      config.metrics.enabled && config.metrics.port !== undefined && !inCluster ? await listenForMetrics(metricsSource, config.metrics.port, host) : undefined;
    if (metricsServer) undo.push(() => metricsServer.close(0));
    const metricsPort = metricsServer?.port;
    const url = graphqlUrl(host, port);
    if (inCluster) logger.info({ port }, 'process serving');
    else logger.info({ url, metricsPort }, `taskgate listening on ${url}`);
    let demoWorker: DemoWorker | undefined;
    if ((config.demoWorker ?? embedded) && demo) demoWorker = startDemoWorker(graphqlUrl('127.0.0.1', port), demo.workerKey, logger);

    let stopped: Promise<void> | undefined;
    return {
      url,
      port,
      metricsPort,
      databaseUrl: database.url,
      events: live.hub,
      stop: () => {
        stopped ??= (async () => {
          stopping = true;
          undo.length = 0;
          await inOrder([
            () => demoWorker?.stop(),
            async () => {
              waitingClaims.close();
              live.hub.shutDown();
              await new Promise((resolve) => setTimeout(resolve, STREAM_FLUSH_MS));
            },
            () => websocket.close(),
            () => closeServer(config.shutdownGraceMs),
            () => metricsServer?.close(0),
            () => shared?.close(),
            () => webhooks.stop(),
            () => bulkCancels.stop(),
            () => enforcement.stop(),
            () => leaseExpiry.stop(),
            () => live.stop(),
            () => retention.stop(),
            disconnectDatabase,
            () => database.stop(),
          ]);
        })();
        return stopped;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
