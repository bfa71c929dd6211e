import { errorNotes, percent } from '../comparison-table.ts';
import { ms } from '../percentiles.ts';
import { flawless } from './delivery-summary.ts';
import type { DeliveryRun } from './delivery-runs.ts';
import type { LoadWindow } from './load-windows.ts';
import type { AttemptLog } from './attempt-log.ts';
import { attemptsText, flawsText, whole } from './table.ts';

export interface DeliveryRuns {
  oneLive: DeliveryRun;
  oneBacklog: DeliveryRun;
  manyLive: DeliveryRun;
  manyBacklog: DeliveryRun;
}

export interface LoadPair {
  without: LoadWindow;
  with: LoadWindow;
}

/** Gateway CPU per delivery of a backlog, in µs: the deliveries' cost with nothing else running. */
function microsecondsPerDelivery(run: DeliveryRun): number {
  return (run.cpu.gatewaySeconds * 1e6) / run.timing.received;
}

/** Attempts other than a first, successful one, to a receiver that always answers 204 at once. */
function attemptAnomaly(label: string, log: AttemptLog): string[] {
  const clean = log.outcomes.DELIVERED === log.attempts && log.repeated === 0;
  return clean ? [] : [`**${label}: not every attempt was a first and delivered** (${attemptsText(log)}).`];
}

/** Anything a delivery run got that the gateway does not promise, said precisely. */
function anomalies(run: DeliveryRun): string[] {
  const notes: string[] = [];
  if (!flawless(run.flaws) || !run.complete) {
    const stalled = run.complete ? '' : ` Deliveries stopped coming before the last: ${whole(run.flaws.missing)} never arrived.`;
    const failure = run.flaws.signatures.firstFailure ? ` The first signature failure: ${run.flaws.signatures.firstFailure}.` : '';
    notes.push(`**${run.label}: not every event once, in order, signed** (${flawsText(run.flaws)}).${stalled}${failure}`);
  }
  notes.push(...attemptAnomaly(run.label, run.attempts));
  if (run.submitErrors > 0) notes.push(`${run.label}: ${whole(run.submitErrors)} submits failed; the first: ${run.firstSubmitError ?? ''}`);
  return notes;
}

/**
 * An endpoint's time from one message to the next: the median is a delivery
 * within a turn, the tail the pauses between turns; and the median HTTP
 * exchange by the gateway's log, in whole milliseconds.
 */
function gaps(run: DeliveryRun): string {
  const { gap } = run.timing;
  return `p50 ${ms(gap.p50)}, p99 ${ms(gap.p99)}, max ${ms(gap.max)} (exchange p50 ${run.attempts.exchangeP50Ms} ms)`;
}

function rates({ oneLive, oneBacklog, manyLive, manyBacklog }: DeliveryRuns): string {
  const oneMs = 1000 / oneBacklog.timing.perSecond;
  return (
    `One endpoint is sent one message at a time: ${whole(oneLive.timing.perSecond)} deliveries/s while its account submits, ${whole(oneBacklog.timing.perSecond)}/s from a backlog, ` +
    `${oneMs.toFixed(1)} ms a delivery (an HTTP exchange on a connection of its own, then the commit of the endpoint's position and of the attempt's log row). ` +
    `Ten endpoints of ten accounts, served at once: ${whole(manyLive.timing.perSecond)}/s while submitted (${(manyLive.timing.perSecond / oneLive.timing.perSecond).toFixed(1)}× one endpoint's), ` +
    `${whole(manyBacklog.timing.perSecond)}/s from a backlog (${(manyBacklog.timing.perSecond / oneBacklog.timing.perSecond).toFixed(1)}×). ` +
    `Event to arrival while submitted: p50 ${ms(oneLive.timing.latency.p50)}, p99 ${ms(oneLive.timing.latency.p99)} for one endpoint; p50 ${ms(manyLive.timing.latency.p50)}, p99 ${ms(manyLive.timing.latency.p99)} for ten. ` +
    `Between two messages to one endpoint: ${gaps(oneLive)} while submitted and ${gaps(oneBacklog)} from a backlog with one endpoint; ${gaps(manyLive)} and ${gaps(manyBacklog)} with ten.`
  );
}

function costs({ oneBacklog, manyBacklog }: DeliveryRuns): string {
  const postgres = (run: DeliveryRun): string =>
    run.cpu.postgresSeconds === undefined ? 'PostgreSQL not measured' : `PostgreSQL ${whole((run.cpu.postgresSeconds * 1e6) / run.timing.received)} µs`;
  return (
    `What a delivery costs, from the backlogs, when the gateway does nothing else: gateway ${whole(microsecondsPerDelivery(oneBacklog))} µs and ${postgres(oneBacklog)} of CPU per delivery with one endpoint, ` +
    `gateway ${whole(microsecondsPerDelivery(manyBacklog))} µs and ${postgres(manyBacklog)} with ten.`
  );
}

/** The load's rate and p99 with endpoints against without, and what the deliveries took of the gateway meanwhile. */
function overhead(name: string, pair: LoadPair, perDeliveryUs: number): string[] {
  const without = pair.without.run;
  const withRun = pair.with.run;
  const ratio =
    `${name} with ${pair.with.endpoints} endpoints receiving every event ran at ${percent(withRun.perSecond / without.perSecond)} of its rate without (${whole(without.perSecond)} → ${whole(withRun.perSecond)} req/s), ` +
    `p99 ${ms(without.latency.p99)} → ${ms(withRun.latency.p99)} (${(withRun.latency.p99 / without.latency.p99).toFixed(1)}×).`;
  const deliveries = pair.with.deliveries;
  if (!deliveries || without.serverCpu === undefined || withRun.serverCpu === undefined) return [ratio];
  const seconds = withRun.elapsedMs / 1000;
  const rate = deliveries.timing.received / seconds;
  const dueRate = deliveries.due / seconds;
  const usPerRequest = (cpu: number, count: number): number => (cpu * 1e6) / count;
  const before = usPerRequest(without.serverCpu, without.latency.count);
  const after = usPerRequest(withRun.serverCpu, withRun.latency.count);
  const gatewayCores = withRun.serverCpu / seconds;
  const deliveryCores = (rate * perDeliveryUs) / 1e6;
  const behind =
    rate < dueRate * 0.95
      ? `, so the dispatcher fell behind: ${whole(deliveries.due - deliveries.timing.received)} deliveries were still due when the endpoints were disabled at the end of the window`
      : '';
  const work =
    `The delivery work in that window: ${whole(rate)} deliveries/s of the ${whole(dueRate)}/s its events made due${behind}; ` +
    `between two messages to an endpoint p50 ${ms(deliveries.timing.gap.p50)}, p99 ${ms(deliveries.timing.gap.p99)} (the exchange itself p50 ${deliveries.attempts.exchangeP50Ms} ms by the gateway's log). ` +
    `At the backlog's ${whole(perDeliveryUs)} µs each, they took about ${deliveryCores.toFixed(2)} of the ${gatewayCores.toFixed(2)} cores the gateway used (${percent(deliveryCores / gatewayCores)}); ` +
    `the gateway's CPU per ${name} request went from ${whole(before)} µs to ${whole(after)} µs, the deliveries included.`;
  return [ratio, work];
}

/** What a window's endpoints got that they should not have: repeats, disorder, bad signatures, other events. */
function windowAnomalies(window: LoadWindow, expectedType: string): string[] {
  const { deliveries } = window;
  if (!deliveries) return [];
  const notes = flawless(deliveries.flaws) ? [] : [`**${window.run.operation}: ${flawsText(deliveries.flaws, false)}.**`];
  notes.push(...attemptAnomaly(window.run.operation, deliveries.attempts));
  const others = deliveries.types.filter((type) => type !== expectedType);
  if (others.length > 0) notes.push(`**${window.run.operation}: the endpoints were sent ${others.join(', ')} besides ${expectedType}.**`);
  return notes;
}

export function webhooksNotes(runs: DeliveryRuns, submit: LoadPair, cancel: LoadPair, strays: number): string[] {
  const perDeliveryUs = microsecondsPerDelivery(runs.manyBacklog);
  const windows = [submit.without, submit.with, cancel.without, cancel.with];
  return [
    ...Object.values(runs).flatMap(anomalies),
    rates(runs),
    costs(runs),
    ...overhead('submitTask', submit, perDeliveryUs),
    ...overhead('cancelTask', cancel, perDeliveryUs),
    ...windowAnomalies(submit.with, 'task.submitted'),
    ...windowAnomalies(cancel.with, 'task.cancelled'),
    ...windows.flatMap((window) => errorNotes(window.run)),
    ...windows
      .filter((window) => window.exhausted)
      .map((window) => `${window.run.operation}: the pending tasks ran out before the time was up, so its window is shorter than planned.`),
    ...(strays > 0 ? [`The receiver got ${whole(strays)} requests to no endpoint's path.`] : []),
  ];
}
