import type { Logger } from 'pino';

export interface OutageLog {
  failed(error: unknown): void;
  succeeded(): void;
}

/**
 * A background job's failures, told once per outage: the first failure with
 * its reason, then nothing while it keeps failing (a sweep every 250 ms while
 * PostgreSQL is down would otherwise write four lines a second), then one line
 * when it works again, with how many attempts failed and for how long.
 */
export function outageLog(logger: Logger, job: string): OutageLog {
  let failures = 0;
  let since = 0;
  return {
    failed(error) {
      failures += 1;
      if (failures > 1) return;
      since = Date.now();
      logger.error({ job, reason: error instanceof Error ? error.message : String(error) }, `${job} failing`);
    },
    succeeded() {
      if (failures === 0) return;
      logger.warn({ job, failures, seconds: Math.round((Date.now() - since) / 100) / 10 }, `${job} working again`);
      failures = 0;
    },
  };
}
