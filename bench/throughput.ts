import type { BenchServer } from './child-server.ts';
import { closedLoop, type LoopOptions } from './closed-loop.ts';
import type { Measured } from './measured.ts';
import { summarize } from './percentiles.ts';
import type { PostgresCpu } from './postgres-cpu.ts';

export interface Target {
  server: BenchServer;
  /** What the server is, for the report: the gateway, or a baseline. */
  runBy: string;
  postgresCpu: PostgresCpu | undefined;
}

/** A closed loop against the target, with the CPU each side spent during it and the server's peak RSS after it. */
export async function measureThroughput(target: Target, operation: string, options: LoopOptions): Promise<Measured> {
  const serverBefore = await target.server.cpuSeconds();
  const postgresBefore = await target.postgresCpu?.();
  const loadBefore = process.cpuUsage();
  const loop = await closedLoop(options);
  const load = process.cpuUsage(loadBefore);
  const serverCpu = (await target.server.cpuSeconds()) - serverBefore;
  const postgresAfter = await target.postgresCpu?.();
  const { peakRssBytes } = await target.server.memory();
  const latency = summarize(loop.latencies);
  return {
    operation,
    runBy: target.runBy,
    concurrency: options.concurrency,
    elapsedMs: loop.elapsedMs,
    latency,
    perSecond: (latency.count * 1000) / loop.elapsedMs,
    errors: loop.errors,
    firstError: loop.firstError,
    serverCpu,
    postgresCpu: postgresBefore === undefined || postgresAfter === undefined ? undefined : postgresAfter - postgresBefore,
    loadCpu: (load.user + load.system) / 1e6,
    serverPeakRssBytes: peakRssBytes,
  };
}
