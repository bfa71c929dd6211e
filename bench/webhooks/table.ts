import { percent } from '../comparison-table.ts';
import type { Measured } from '../measured.ts';
import { ms } from '../percentiles.ts';
import type { AttemptLog } from './attempt-log.ts';
import { type DeliveryFlaws, flawless } from './delivery-summary.ts';
import type { DeliveryRun } from './delivery-runs.ts';
import type { LoadWindow } from './load-windows.ts';

/**
 * One table for both kinds of row: a delivery row's count, rate and
 * latencies are the deliveries' (an event's `at` to its arrival), a load
 * row's the requests'.
 */
export const WEBHOOKS_HEADER = [
  'measurement',
  'endpoints',
  'load',
  'count',
  'rate',
  'rate vs no endpoints',
  'p50',
  'p99',
  'p99 vs no endpoints',
  'max',
  'gateway CPU',
  'PostgreSQL CPU',
  'benchmark process CPU',
  'checks',
];

export function whole(value: number): string {
  return Math.round(value).toLocaleString('en');
}

function cores(seconds: number, elapsedMs: number): string {
  return `${(seconds / (elapsedMs / 1000)).toFixed(2)} cores`;
}

/** CPU as cores busy and as time per thing done, the figure that compares across rates. */
export function cpuCell(seconds: number | undefined, elapsedMs: number, done: number, per: string, missing: string): string {
  if (seconds === undefined) return missing;
  return `${cores(seconds, elapsedMs)}, ${whole((seconds * 1e6) / done)} µs/${per}`;
}

/** What is wrong with what the endpoints were sent, or that nothing is. */
export function flawsText(flaws: DeliveryFlaws, missingChecked = true): string {
  const { signatures } = flaws;
  const signed = `${whole(signatures.verified)} of ${whole(signatures.verified + signatures.failed)} sampled signatures verified`;
  if (flawless(flaws)) return `${missingChecked ? 'every event once' : 'no event twice'}, in log order; ${signed}`;
  const counts: [number, string][] = [
    [flaws.missing, `missing of ${whole(flaws.expected)}`],
    [flaws.unexpected, 'not due'],
    [flaws.duplicates, 'duplicates'],
    [flaws.outOfOrder, 'out of order'],
    [flaws.malformed, 'malformed'],
  ];
  const wrong = counts.filter(([count]) => count > 0).map(([count, what]) => `${whole(count)} ${what}`);
  return [...wrong, signed].join(', ');
}

/** The gateway's own account of its attempts: whether each was a first and a success, and how long the exchange took. */
export function attemptsText(log: AttemptLog): string {
  const outcomes = Object.entries(log.outcomes);
  const clean = outcomes.length === 1 && log.outcomes.DELIVERED === log.attempts && log.repeated === 0;
  const how = clean ? 'all DELIVERED at the first attempt' : `${outcomes.map(([outcome, count]) => `${whole(count)} ${outcome}`).join(', ')}, ${whole(log.repeated)} retries`;
  return `gateway's log: ${whole(log.attempts)} attempts, ${how}, exchange p50 ${log.exchangeP50Ms} ms, p99 ${log.exchangeP99Ms} ms`;
}

export function deliveryRow(run: DeliveryRun): string[] {
  const { timing, cpu } = run;
  const latency = (value: number): string => (run.live ? ms(value) : '—');
  const covers = run.live ? ', the submits included' : '';
  return [
    run.label,
    run.accounts === 1 ? '1' : `${run.accounts} (one per account)`,
    run.load,
    `${whole(timing.received)} deliveries in ${(timing.spanMs / 1000).toFixed(1)} s`,
    `${whole(timing.perSecond)}/s`,
    '—',
    latency(timing.latency.p50),
    latency(timing.latency.p99),
    '—',
    latency(timing.latency.max),
    cpuCell(cpu.gatewaySeconds, cpu.elapsedMs, timing.received, 'delivery', '—') + covers,
    cpuCell(cpu.postgresSeconds, cpu.elapsedMs, timing.received, 'delivery', 'not measured') + covers,
    cores(cpu.benchSeconds, cpu.elapsedMs),
    `${flawsText(run.flaws)}${run.complete ? '' : '; deliveries stalled before all arrived'}; ${attemptsText(run.attempts)}`,
  ];
}

function cpuOf(run: Measured, seconds: number | undefined, missing: string): string {
  return cpuCell(seconds, run.elapsedMs, run.latency.count, 'req', missing);
}

function windowChecks(window: LoadWindow): string {
  const { deliveries } = window;
  if (!deliveries) return '—';
  const { timing, due } = deliveries;
  return (
    `${whole(timing.received)} of the ${whole(due)} deliveries due arrived in the window (${percent(timing.received / due)}, ${whole((timing.received * 1000) / window.run.elapsedMs)}/s), ` +
    `event to arrival p50 ${ms(timing.latency.p50)}, p99 ${ms(timing.latency.p99)}; ${flawsText(deliveries.flaws, false)}; ${attemptsText(deliveries.attempts)}`
  );
}

/** A load window's row; `without` is the same load with no endpoints, for the ratios of a window with them. */
export function loadRow(window: LoadWindow, without?: LoadWindow): string[] {
  const { run } = window;
  const against = without?.run;
  return [
    run.operation,
    window.endpoints === 0 ? 'none' : `${window.endpoints}, of the loaded account`,
    `${run.concurrency} callers, closed loop`,
    `${whole(run.latency.count)} ok, ${whole(run.errors)} errors in ${(run.elapsedMs / 1000).toFixed(1)} s`,
    `${whole(run.perSecond)} req/s`,
    against ? percent(run.perSecond / against.perSecond) : '—',
    ms(run.latency.p50),
    ms(run.latency.p99),
    against ? `${(run.latency.p99 / against.latency.p99).toFixed(1)}×` : '—',
    ms(run.latency.max),
    cpuOf(run, run.serverCpu, '—'),
    cpuOf(run, run.postgresCpu, 'not measured'),
    cores(run.loadCpu, run.elapsedMs),
    windowChecks(window),
  ];
}
