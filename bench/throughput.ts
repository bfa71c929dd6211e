import { closedLoop, type LoopOptions, type LoopResult } from './closed-loop.ts';
import type { BenchGateway } from './gateway.ts';
import { mebibytes, ms, summarize } from './percentiles.ts';

export interface Throughput {
  operation: string;
  concurrency: number;
  loop: LoopResult;
  /** CPU seconds over the window, of the gateway and of this load generator. */
  gatewayCpu: number;
  loadCpu: number;
  peakRssBytes: number;
}

/** A closed loop against `gateway`, with the CPU each side spent during it. */
export async function measureThroughput(gateway: BenchGateway, operation: string, options: LoopOptions): Promise<Throughput> {
  const gatewayBefore = await gateway.cpuSeconds();
  const loadBefore = process.cpuUsage();
  const loop = await closedLoop(options);
  const load = process.cpuUsage(loadBefore);
  const gatewayCpu = (await gateway.cpuSeconds()) - gatewayBefore;
  const { peakRssBytes } = await gateway.memory();
  return {
    operation,
    concurrency: options.concurrency,
    loop,
    gatewayCpu,
    loadCpu: (load.user + load.system) / 1e6,
    peakRssBytes,
  };
}

export const THROUGHPUT_HEADER = [
  'operation',
  'concurrency',
  'duration',
  'ok requests',
  'errors',
  'req/s',
  'p50',
  'p99',
  'max',
  'gateway CPU',
  'load generator CPU',
  'gateway peak RSS',
];

function cores(cpuSeconds: number, elapsedMs: number): string {
  return `${(cpuSeconds / (elapsedMs / 1000)).toFixed(2)} cores`;
}

export function throughputRow(result: Throughput): string[] {
  const { loop } = result;
  const latency = summarize(loop.latencies);
  return [
    result.operation,
    String(result.concurrency),
    `${(loop.elapsedMs / 1000).toFixed(1)} s`,
    String(latency.count),
    String(loop.errors),
    ((latency.count / loop.elapsedMs) * 1000).toFixed(0),
    ms(latency.p50),
    ms(latency.p99),
    ms(latency.max),
    cores(result.gatewayCpu, loop.elapsedMs),
    cores(result.loadCpu, loop.elapsedMs),
    mebibytes(result.peakRssBytes),
  ];
}

export function throughputNotes(result: Throughput): string[] {
  return result.loop.firstError ? [`${result.operation}: ${result.loop.errors} failed; the first: ${result.loop.firstError}`] : [];
}
