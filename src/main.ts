import { ConfigError, readConfig } from './config.ts';
import { createLogger } from './observability/logger.ts';

/** A signal repeated this long after the first is a person insisting: stop now, in-flight requests or not. */
const INSIST_AFTER_MS = 1_000;

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
  // Tracing patches the modules it traces, so it starts before they are first loaded.
  const tracing = config.tracing && (await import('./observability/tracing.ts')).startTracing(config.tracing, logger);
  const { startGateway } = await import('./gateway.ts');
  // Listening for signals from the first moment: one arriving while the gateway starts stops it once started.
  const starting = startGateway(config, logger, tracing ? [tracing.plugin] : []);
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
      .then((gateway) => gateway.stop())
      .then(async () => {
        await tracing?.stop();
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
  try {
    await starting;
  } catch (error) {
    logger.fatal({ err: error }, `taskgate could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
