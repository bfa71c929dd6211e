import { subscriptionsPerSocket } from '../open-files.ts';
import { mebibytes, ms, summarize } from '../percentiles.ts';
import { measurePush, type PushRun } from '../push-latency.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { CORES, PER_CORE_ENV } from '../per-core.ts';

/** The goal of the issue, at 10,000 listeners on one instance: a socket each, and many to a socket (as graphql-ws clients multiplex). */
export const STREAMS_GOAL = { listeners: 10_000, p99Ms: 250, multiplexedP99Ms: 100, rssBytes: 2 ** 30 };

/** How graphql-ws clients share a socket: many subscriptions over one connection. */
const MULTIPLEXED = 100;

/** One measured layout, on a gateway of `processes` processes. */
interface StreamsRun extends PushRun {
  processes: number;
}

async function runOnce(context: BenchContext, listeners: number, perSocketWanted?: number, processes = 1): Promise<StreamsRun> {
  const { settings } = context;
  // Large enough that no listener is ever cut off as slow: the events must all arrive to be timed.
  // Its listeners hear warm-up events of their own before the measured ones (push-latency.ts).
  const gateway = await context.startGateway({
    warmUp: false,
    listenerBuffer: Math.max(10_000, settings.events * 10),
    ...(processes > 1 ? { env: PER_CORE_ENV } : {}),
  });
  try {
    const account = await context.newAccount(1_000_000);
    const perSocket = perSocketWanted ?? settings.perSocket ?? subscriptionsPerSocket(listeners);
    context.log(`streams: ${listeners} listeners (${perSocket} per socket) on ${processes} process(es), ${settings.events} events ${settings.spacingMs} ms apart`);
    const run = await measurePush({
      gateway,
      apiKey: account.apiKey,
      listeners,
      perSocket,
      events: settings.events,
      spacingMs: settings.spacingMs,
    });
    return { ...run, processes };
  } finally {
    await gateway.stop();
  }
}

function row(run: StreamsRun): string[] {
  const latency = summarize(run.samples);
  const perDelivery = run.samples.length > 0 ? (run.gatewayCpu * 1e6) / run.samples.length : Number.NaN;
  return [
    run.listeners.toLocaleString('en'),
    run.sockets.toLocaleString('en'),
    String(run.processes),
    `${run.samples.length.toLocaleString('en')} / ${run.expected.toLocaleString('en')}`,
    ms(latency.p50),
    ms(latency.p99),
    ms(latency.max),
    ms(summarize(run.mutationMs).p50),
    `${mebibytes(run.rssIdleBytes)} → ${mebibytes(run.rssConnectedBytes)}`,
    mebibytes(run.peakRssBytes),
    `${(run.gatewayCpu / (run.pushWindowMs / 1000)).toFixed(2)} cores, ${perDelivery.toFixed(0)} µs/delivery`,
    `${(run.loadCpu / (run.pushWindowMs / 1000)).toFixed(2)} cores`,
    `${(run.connectMs / 1000).toFixed(1)} s`,
  ];
}

/** Whether one event's fan-out fits between two events: if not, later events queue behind earlier ones. */
function fanOut(run: StreamsRun, spacingMs: number): string {
  const cpuPerEventMs = (run.gatewayCpu * 1000) / (run.samples.length / run.listeners);
  const keptUp = cpuPerEventMs < spacingMs;
  return (
    `${label(run)}: the gateway spent about ${ms(cpuPerEventMs)} of CPU per event pushed to all of them, ` +
    (keptUp
      ? `less than the ${spacingMs} ms between events, so each event was pushed before the next one came.`
      : `more than the ${spacingMs} ms between events, so events queued behind each other and latency grew with each one.`)
  );
}

function label(run: StreamsRun): string {
  const on = run.processes > 1 ? `, ${run.processes} gateway processes` : '';
  return `${run.listeners.toLocaleString('en')} listeners on ${run.sockets.toLocaleString('en')} sockets${on}`;
}

function verdict(run: StreamsRun, spacingMs: number): string[] {
  const notes: string[] = [fanOut(run, spacingMs)];
  const latency = summarize(run.samples);
  if (run.samples.length < run.expected) notes.push(`${run.listeners} listeners: ${run.expected - run.samples.length} deliveries never arrived.`);
  if (run.unexpected > 0) notes.push(`${run.listeners} listeners: ${run.unexpected} messages other than the measured events (errors, completions or duplicates).`);
  if (run.droppedSockets > 0) notes.push(`${run.listeners} listeners: the gateway closed ${run.droppedSockets} sockets.`);
  if (run.listeners !== STREAMS_GOAL.listeners) return notes;
  const goalMs = run.sockets < run.listeners ? STREAMS_GOAL.multiplexedP99Ms : STREAMS_GOAL.p99Ms;
  const p99 = latency.p99 < goalMs
    ? `p99 ${ms(latency.p99)} meets the goal of < ${goalMs} ms`
    : `p99 ${ms(latency.p99)} misses the goal of < ${goalMs} ms by ${ms(latency.p99 - goalMs)} (${(latency.p99 / goalMs).toFixed(1)}×)`;
  const rss = run.peakRssBytes < STREAMS_GOAL.rssBytes
    ? `peak RSS ${mebibytes(run.peakRssBytes)} meets the goal of < 1 GiB`
    : `peak RSS ${mebibytes(run.peakRssBytes)} misses the goal of < 1 GiB by ${mebibytes(run.peakRssBytes - STREAMS_GOAL.rssBytes)}`;
  notes.unshift(`Goal, ${label(run)}: ${p99}; ${rss}.`);
  return notes;
}

export const streamsScenario: Scenario = {
  name: 'streams',
  async run(context) {
    const runs: StreamsRun[] = [];
    for (const listeners of context.settings.listeners) runs.push(await runOnce(context, listeners));
    // Unless a socket layout was asked for, also the largest count multiplexed, as graphql-ws clients do.
    const largest = Math.max(...context.settings.listeners);
    if (context.settings.perSocket === undefined && largest >= MULTIPLEXED) runs.push(await runOnce(context, largest, MULTIPLEXED));
    // And the largest count on one gateway process per core: every process gets every event and serves its share of the sockets.
    if (CORES > 1) runs.push(await runOnce(context, largest, undefined, CORES));
    const { events, spacingMs } = context.settings;
    return {
      heading: 'streams',
      intro:
        `N \`taskEvents\` subscriptions of one account on one gateway, over WebSocket (graphql-transport-ws); then ${events} \`submitTask\` calls of that account, ${spacingMs} ms apart, on the same gateway. ` +
        'Push latency is the time from just before each mutation is sent to the arrival of its event at each listener (so it includes the mutation\'s own commit), over all listener × event pairs. ' +
        'Every listener first hears warm-up events, so all are registered before the measured ones. RSS is the gateway\'s, from /proc: idle, then with the listeners connected and warmed up, and its peak (VmHWM); with several processes, the sum over them (the primary included), and the sum of their peaks. ' +
        `The last row runs one gateway process per core (\`TASKGATE_PROCESSES=${CORES}\`): node:cluster hands each socket to one of them, and each reads every event. ` +
        `Goal: ${STREAMS_GOAL.listeners.toLocaleString('en')} listeners with p99 < ${STREAMS_GOAL.p99Ms} ms on a socket each, < ${STREAMS_GOAL.multiplexedP99Ms} ms ${MULTIPLEXED} to a socket, and RSS < 1 GiB.`,
      header: [
        'listeners',
        'sockets',
        'gateway processes',
        'deliveries',
        'push p50',
        'push p99',
        'push max',
        'mutation p50',
        'gateway RSS idle → listening',
        'gateway peak RSS',
        'gateway CPU while pushing',
        'load generator CPU',
        'connect + warm-up',
      ],
      rows: runs.map(row),
      notes: runs.flatMap((run) => verdict(run, spacingMs)),
    };
  },
};
