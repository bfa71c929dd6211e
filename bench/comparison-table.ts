import type { Measured, Role } from './measured.ts';
import { mebibytes, ms } from './percentiles.ts';

export const COMPARISON_HEADER = [
  'operation',
  'run by',
  'concurrency',
  'duration',
  'ok',
  'errors',
  'req/s',
  'req/s vs baseline',
  'p50',
  'p99',
  'p99 vs baseline',
  'max',
  'server CPU',
  'PostgreSQL CPU',
  'load generator CPU',
  'server peak RSS',
];

function cores(cpuSeconds: number, elapsedMs: number): string {
  return `${(cpuSeconds / (elapsedMs / 1000)).toFixed(2)} cores`;
}

/** CPU as cores busy over the run and as time per completed request, the figure that compares across rates. */
function cpu(cpuSeconds: number | undefined, run: Measured, missing: string): string {
  if (cpuSeconds === undefined) return missing;
  const perRequest = run.latency.count > 0 ? (cpuSeconds * 1e6) / run.latency.count : Number.NaN;
  return `${cores(cpuSeconds, run.elapsedMs)}, ${Math.round(perRequest).toLocaleString('en')} µs/req`;
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}

function ratios(run: Measured, role: Role): [string, string] {
  if (role === 'baseline') return ['baseline', 'baseline'];
  if (role === 'alone') return ['—', '—'];
  const { baseline } = role;
  return [percent(run.perSecond / baseline.perSecond), `${(run.latency.p99 / baseline.latency.p99).toFixed(1)}×`];
}

export function comparisonRow(run: Measured, role: Role): string[] {
  const [rate, p99] = ratios(run, role);
  return [
    run.operation,
    run.runBy,
    String(run.concurrency),
    `${(run.elapsedMs / 1000).toFixed(1)} s`,
    String(run.latency.count),
    String(run.errors),
    run.perSecond.toFixed(0),
    rate,
    ms(run.latency.p50),
    ms(run.latency.p99),
    p99,
    ms(run.latency.max),
    cpu(run.serverCpu, run, '—'),
    cpu(run.postgresCpu, run, 'not measured'),
    cores(run.loadCpu, run.elapsedMs),
    run.serverPeakRssBytes === undefined ? '—' : mebibytes(run.serverPeakRssBytes),
  ];
}

export function errorNotes(run: Measured): string[] {
  return run.firstError ? [`${run.operation} (${run.runBy}): ${run.errors} failed; the first: ${run.firstError}`] : [];
}
