import { mkdir } from 'node:fs/promises';
import { createApp } from './app.ts';
import { readConfig } from './config.ts';
import { connectDatabase, disconnectDatabase } from './db/client.ts';
import { openDatabase } from './db/open-database.ts';
import { recallDemoCredentials, rememberDemoCredentials } from './demo-credentials.ts';
import { createHttpServer, listen } from './http/server.ts';
import { startLeaseExpiry } from './jobs/lease-expiry.ts';
import { seedDemo } from './services/seed-demo.ts';

const SHUTDOWN_GRACE_MS = 10_000;

async function showDemo(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const created = await seedDemo();
  if (created) await rememberDemoCredentials(dataDir, created);
  const demo = created ?? (await recallDemoCredentials(dataDir));
  if (!demo) return;
  console.log(`demo API key (account ${demo.accountId}): ${demo.apiKey}`);
  console.log(`demo worker key (worker ${demo.workerId}): ${demo.workerKey}`);
}

async function main(): Promise<void> {
  const config = readConfig();
  const database = await openDatabase(config);
  console.log(
    `database: ${database.embedded ? `embedded PostgreSQL in ${config.dataDir}` : 'DATABASE_URL'}` +
      (database.applied.length > 0 ? `; applied ${database.applied.join(', ')}` : ''),
  );
  connectDatabase(database.url, config.databasePoolSize);
  if (config.demo ?? database.embedded) await showDemo(config.dataDir);

  const leaseExpiry = startLeaseExpiry(config.leaseSweepMs, (error) => {
    console.error('lease expiry sweep failed:', error instanceof Error ? error.message : error);
  });
  const server = createHttpServer(createApp());
  const port = await listen(server, config.port);
  console.log(`taskgate listening on http://localhost:${port}/graphql`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests`);
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      clearTimeout(force);
      void leaseExpiry
        .stop()
        .then(disconnectDatabase)
        .then(() => database.stop())
        .then(() => process.exit(0));
    });
    server.closeIdleConnections();
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
