import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { connectDatabase, disconnectDatabase } from './db/client.ts';
import { openDatabase } from './db/open-database.ts';
import { showDemoCredentials, startDemoWorker, type DemoWorker } from './demo/demo.ts';
import { createHttpServer, listen } from './http/server.ts';
import { startLiveEvents } from './events/live-events.ts';
import { attachWebSocket } from './http/websocket.ts';
import { startEventRetention } from './jobs/event-retention.ts';
import { startLeaseExpiry } from './jobs/lease-expiry.ts';
import { createRateLimiter } from './services/rate-limiter.ts';

const SHUTDOWN_GRACE_MS = 10_000;
const STREAM_FLUSH_MS = 200;
const IDLE_SWEEP_MS = 50;

async function main(): Promise<void> {
  const config = readConfig();
  const database = await openDatabase(config);
  console.log(
    `database: ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}` +
      (database.applied.length > 0 ? `; applied ${database.applied.join(', ')}` : ''),
  );
  connectDatabase(database.url, config.databasePoolSize);
  const demo = (config.demo ?? database.embedded) ? await showDemoCredentials(config.dataDir) : undefined;

  const leaseExpiry = startLeaseExpiry(config.leaseSweepMs, (error) => {
    console.error('lease expiry sweep failed:', error instanceof Error ? error.message : error);
  });
  const live = startLiveEvents({
    databaseUrl: database.url,
    listenerBuffer: config.listenerBuffer,
    pollMs: config.eventPollMs,
    log: (line) => {
      console.error(line);
    },
  });
  const retention = startEventRetention(config.eventRetentionDays, (error) => {
    console.error('event retention failed:', error instanceof Error ? error.message : error);
  });
  const rateLimiter = config.rateLimit.perSecond > 0 ? createRateLimiter(config.rateLimit) : undefined;
  const app = createApp({ events: live.hub, rateLimiter });
  const server = createHttpServer(app);
  const websocket = attachWebSocket(server, app);
  const port = await listen(server, config.port);
  const url = `http://localhost:${port}/graphql`;
  console.log(`taskgate listening on ${url}`);
  let demoWorker: DemoWorker | undefined;
  if ((config.demoWorker ?? database.embedded) && demo) demoWorker = startDemoWorker(url, demo.workerKey);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests`);
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    void (demoWorker?.stop() ?? Promise.resolve()).then(async () => {
      live.hub.shutDown();
      // Lets the streams send their closing reason before their sockets close.
      await new Promise((resolve) => setTimeout(resolve, STREAM_FLUSH_MS));
      await websocket.close();
      // server.close() drops only the connections idle at the time; one whose last
      // request finishes later would hold the exit until its keep-alive ran out.
      const idleSweep = setInterval(() => {
        server.closeIdleConnections();
      }, IDLE_SWEEP_MS);
      server.close(() => {
        clearInterval(idleSweep);
        clearTimeout(force);
        void leaseExpiry
          .stop()
          .then(() => live.stop())
          .then(() => retention.stop())
          .then(disconnectDatabase)
          .then(() => database.stop())
          .then(() => process.exit(0));
      });
      server.closeIdleConnections();
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stop(signal);
    });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
