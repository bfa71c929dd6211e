import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { countForProcesses } from '../auth/cluster-rate-limits.ts';
import type { Config } from '../config.ts';
import { connectDatabase, disconnectDatabase } from '../db/client.ts';
import { openDatabase, openedLine } from '../db/open-database.ts';
import { type DemoWorker, showDemoCredentials, startDemoWorker } from '../demo/demo.ts';
import { listenForMetrics } from '../http/metrics-endpoint.ts';
import { graphqlUrl, listenHost } from '../http/server.ts';
import { clusterMetrics } from '../observability/cluster-metrics.ts';
import { isReady } from './messages.ts';
import { restartBudget } from './restart-budget.ts';

export interface Primary {
  /** Stops the processes, then what the primary runs; resolves once all is stopped. */
  stop(): Promise<void>;
  /** Resolves when a process could not be kept running: it failed to start, or kept failing. */
  readonly failed: Promise<Error>;
}

function flag(value: boolean): string {
  return value ? '1' : '0';
}

/**
 * The primary of `config.processes` gateway processes sharing one port
 * (node:cluster hands each new connection to one of them). It opens the
 * database once (starting the embedded one and migrating), creates and
 * prints the demo keys once, then starts the processes with what they must
 * all agree on; it announces the gateway once every process listens, runs
 * the demo worker as a client of them, keeps the rate-limit counts (without
 * Redis) and the metrics of them all, and starts a process again when one
 * dies. Each process is an instance of its own: its pool, its LISTEN
 * connection, its streams; nothing else is shared.
 */
export async function startPrimary(config: Config, logger: Logger): Promise<Primary> {
  const database = await openDatabase(config, (line) => {
    logger.info(line);
  });
  const { embedded } = database;
  logger.info({ embedded, applied: database.applied }, openedLine(database, config.dataDir));
  let demoKeys;
  if (config.demo ?? embedded) {
    connectDatabase(database.url, 1);
    demoKeys = await showDemoCredentials(config.dataDir, logger).finally(disconnectDatabase);
  }
  if (config.rateLimit.perSecond > 0 && !config.redisUrl) countForProcesses();
  const metrics = clusterMetrics();
  const host = listenHost(config.host, embedded);
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    TASKGATE_DEMO: '0',
    TASKGATE_DEMO_WORKER: '0',
    TASKGATE_GRAPHIQL: flag(config.graphiql ?? embedded),
    TASKGATE_INTROSPECTION: flag(config.introspection ?? embedded),
    ...(host === undefined ? {} : { HOST: host }),
  };

  let started = false;
  let stopping = false;
  let failed: (error: Error) => void = () => undefined;
  const failure = new Promise<Error>((resolve) => {
    failed = resolve;
  });
  const restarts = restartBudget();
  const fork = (): Worker => cluster.fork(env);
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!started) {
      failed(new Error(`a gateway process exited while starting (${signal || `code ${code}`})`));
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a gateway process died; starting another');
    if (restarts.take()) fork();
    else failed(new Error('gateway processes keep dying; stopping'));
  });
  const stopAll = async (): Promise<void> => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    await Promise.all(workers.map((worker) => stopWorker(worker, config.shutdownGraceMs + STOP_MARGIN_MS)));
  };

  const listening = new Promise<number>((resolve, reject) => {
    let ready = 0;
    const onMessage = (_worker: Worker, message: unknown): void => {
      if (!isReady(message)) return;
      ready += 1;
      if (ready === config.processes) {
        cluster.off('message', onMessage);
        resolve(message.port);
      }
    };
    cluster.on('message', onMessage);
    void failure.then(reject);
  });
  for (let n = 0; n < config.processes; n++) fork();
  let port: number;
  try {
    port = await listening;
  } catch (error) {
    await stopAll();
    await database.stop();
    throw error;
  }
  started = true;
  const url = graphqlUrl(host, port);

  const metricsServer = config.metrics.enabled && config.metrics.port !== undefined ? await listenForMetrics(metrics, config.metrics.port, host) : undefined;
  logger.info({ url, metricsPort: metricsServer?.port, processes: config.processes }, `taskgate listening on ${url} (${config.processes} processes)`);
  let demoWorker: DemoWorker | undefined;
  if ((config.demoWorker ?? embedded) && demoKeys) demoWorker = startDemoWorker(graphqlUrl('127.0.0.1', port), demoKeys.workerKey, logger);

  return {
    failed: failure,
    async stop() {
      stopping = true;
      await demoWorker?.stop();
      await stopAll();
      await metricsServer?.close(0);
      await database.stop();
    },
  };
}

/** What a process may take past its grace period to finish stopping (its pool, its LISTEN connection). */
const STOP_MARGIN_MS = 5_000;

/** Asks a process to stop as a supervisor would, and kills it if it has not within `ms`. */
function stopWorker(worker: Worker, ms: number): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), ms);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}
