import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { type Config, ConfigError, readConfig } from './config.ts';
import { createLogger } from './observability/logger.ts';

/** A signal repeated this long after the first is a person insisting: stop now, in-flight requests or not. */
const INSIST_AFTER_MS = 1_000;

/**
 * Stops what `starting` starts on SIGINT and SIGTERM, then exits 0; a second
 * signal a while after the first exits at once.
 */
function stopOnSignals(logger: Logger, starting: Promise<{ stop(): Promise<void> }>, afterStop: () => Promise<void> = () => Promise.resolve()): (signal: NodeJS.Signals) => void {
  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    // A terminal's Ctrl-C reaches both npm and this process, and npm forwards it again: one stop for both.
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < INSIST_AFTER_MS) return;
      logger.warn({ signal }, `${signal} again: stopping now`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, `${signal}: finishing in-flight requests`);
    starting
      .then((running) => running.stop())
      .then(async () => {
        await afterStop();
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'stopping failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return stop;
}

function couldNotStart(logger: Logger, error: unknown): never {
  logger.fatal({ err: error }, `taskgate could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/** The primary of several gateway processes: it serves nothing itself. */
async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const { startPrimary } = await import('./cluster/primary.ts');
  const starting = startPrimary(config, logger);
  stopOnSignals(logger, starting);
  const primary = await starting.catch((error: unknown) => couldNotStart(logger, error));
  const error = await primary.failed;
  logger.fatal({ err: error }, error.message);
  await primary.stop().catch(() => undefined);
  process.exit(1);
}

/** One gateway: alone, or one of the processes of a cluster. */
async function runGateway(config: Config, logger: Logger): Promise<void> {
  // Tracing patches the modules it traces, so it starts before they are first loaded.
  const tracing = config.tracing && (await import('./observability/tracing.ts')).startTracing(config.tracing, logger);
  const { startGateway } = await import('./gateway.ts');
  const inCluster = cluster.isWorker;
  // Listening for signals from the first moment: one arriving while the gateway starts stops it once started.
  const starting = startGateway(config, logger, { plugins: tracing ? [tracing.plugin] : [], inCluster });
  const stop = stopOnSignals(logger, starting, async () => {
    await tracing?.stop();
  });
  const gateway = await starting.catch((error: unknown) => couldNotStart(logger, error));
  if (inCluster) {
    const { announceReady } = await import('./cluster/messages.ts');
    announceReady(gateway.port);
    // A primary that is gone cannot stop this process: it stops by itself.
    process.once('disconnect', () => {
      stop('SIGTERM');
    });
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = readConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`taskgate: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger(config);
  if (cluster.isPrimary && config.processes > 1) await runPrimary(config, logger);
  else await runGateway(config, logger);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
