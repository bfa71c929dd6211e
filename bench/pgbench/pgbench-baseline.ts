import type { Measured } from '../measured.ts';
import { summarize } from '../percentiles.ts';
import type { BenchContext } from '../scenario.ts';
import { type PgbenchScript, renderScript } from './render-script.ts';
import { runPgbench } from './run-pgbench.ts';

/** As many connections as the gateway scenarios have callers, on two pgbench threads. */
export const PGBENCH_CLIENTS = 32;
export const PGBENCH_THREADS = 2;
/** Time for the backends of pgbench's connections to end, so their CPU is counted in the postmaster's. */
const BACKENDS_SETTLE_MS = 300;

export const PGBENCH_RUN_BY = 'pgbench, same SQL';

export type BaselineOutcome = { measured: Measured } | { skipped: string };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * pgbench running `script` against the benchmark's own PostgreSQL for the
 * scenario's duration. Never throws for pgbench's sake: a missing pgbench, a
 * script that no longer fits its statements or a failed run becomes the
 * reason the report gives for the missing baseline.
 */
export async function pgbenchBaseline(context: BenchContext, operation: string, script: PgbenchScript): Promise<BaselineOutcome> {
  const { pgbench } = context;
  if ('skipped' in pgbench) return { skipped: pgbench.skipped };
  const durationS = Math.max(1, Math.round(context.settings.durationMs / 1000));
  try {
    const rendered = renderScript(script);
    context.log(`pgbench: ${operation}, ${PGBENCH_CLIENTS} clients for ${durationS} s`);
    const postgresBefore = await context.postgresCpu?.();
    const run = await runPgbench({
      binary: pgbench.binary,
      databaseUrl: context.databaseUrl,
      script: rendered,
      clients: PGBENCH_CLIENTS,
      threads: PGBENCH_THREADS,
      durationS,
    });
    await sleep(BACKENDS_SETTLE_MS);
    const postgresAfter = await context.postgresCpu?.();
    return {
      measured: {
        operation,
        runBy: PGBENCH_RUN_BY,
        concurrency: PGBENCH_CLIENTS,
        elapsedMs: durationS * 1000,
        latency: summarize(run.latencies),
        perSecond: run.tps,
        errors: run.failed + run.abortedClients,
        firstError: run.firstError,
        postgresCpu: postgresBefore === undefined || postgresAfter === undefined ? undefined : postgresAfter - postgresBefore,
        loadCpu: run.cpuSeconds,
      },
    };
  } catch (error) {
    return { skipped: `pgbench failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
