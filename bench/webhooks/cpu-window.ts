import type { BenchServer } from '../child-server.ts';
import type { PostgresCpu } from '../postgres-cpu.ts';

/** CPU seconds the gateway and PostgreSQL spent over a stretch of time, and how long it was. */
export interface CpuSpent {
  gatewaySeconds: number;
  /** Undefined when PostgreSQL is not a process of this machine. */
  postgresSeconds: number | undefined;
  /** The benchmark process's: the receiver, and the callers of a run that submits meanwhile. */
  benchSeconds: number;
  elapsedMs: number;
}

/** Starts counting now; the function returned stops and tells. */
export async function startCpuWindow(gateway: BenchServer, postgresCpu: PostgresCpu | undefined): Promise<() => Promise<CpuSpent>> {
  const started = performance.now();
  const gatewayBefore = await gateway.cpuSeconds();
  const postgresBefore = await postgresCpu?.();
  const benchBefore = process.cpuUsage();
  return async () => {
    const bench = process.cpuUsage(benchBefore);
    const elapsedMs = performance.now() - started;
    const gatewaySeconds = (await gateway.cpuSeconds()) - gatewayBefore;
    const postgresAfter = await postgresCpu?.();
    return {
      gatewaySeconds,
      postgresSeconds: postgresBefore === undefined || postgresAfter === undefined ? undefined : postgresAfter - postgresBefore,
      benchSeconds: (bench.user + bench.system) / 1e6,
      elapsedMs,
    };
  };
}
