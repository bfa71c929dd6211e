import { percent } from '../comparison-table.ts';
import { ms } from '../percentiles.ts';
import type { Measured } from '../measured.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { benchModel } from '../catalog.ts';
import { measureQueueClaims, type Queue, queueLabel, seedBenchQueue } from '../scheduling/queue-claims.ts';
import { measureWakeLatency, type WakeLatency } from '../scheduling/wake-latency.ts';

const IDLE_WORKERS = 4;
const SUBMIT_SPACING_MS = 50;
const LONG_POLL_SECONDS = 10;
/** The bundled worker's sleep between empty claims before long-poll claims. */
const POLL_EVERY_MS = 1_000;
const WAKE_GOAL_MS = 20;
const CLAIMING_WORKERS = 8;
const SMALL: Omit<Queue, 'model'> = { accounts: 10, perAccount: 2_000 };
const LARGE: Omit<Queue, 'model'> = { accounts: 1_000, perAccount: 100 };

const HEADER = ['measure', 'setting', 'count', 'rate', 'p50', 'p99', 'max', 'vs baseline'];

function wakeRow(label: string, run: WakeLatency, baseline: WakeLatency | undefined): string[] {
  return [
    'submit → claim, idle workers',
    label,
    String(run.latency.count),
    `${run.claimsPerSecond.toFixed(1)} claim requests/s`,
    ms(run.latency.p50),
    ms(run.latency.p99),
    ms(run.latency.max),
    baseline ? `p50 ${(baseline.latency.p50 / run.latency.p50).toFixed(0)}× lower` : 'baseline',
  ];
}

function claimRow(run: Measured, baseline: Measured | undefined): string[] {
  return [
    'claim → complete',
    run.operation.replace('claim → complete, ', ''),
    String(run.latency.count),
    `${run.perSecond.toFixed(0)}/s`,
    ms(run.latency.p50),
    ms(run.latency.p99),
    ms(run.latency.max),
    baseline ? `${percent(run.perSecond / baseline.perSecond)} of the rate` : 'baseline',
  ];
}

async function wakeLatencies(context: BenchContext): Promise<{ longPoll: WakeLatency; polling: WakeLatency }> {
  const count = Math.max(20, Math.round(context.settings.durationMs / SUBMIT_SPACING_MS));
  const gateway = await context.startGateway();
  try {
    const run = async (name: string, mode: Parameters<typeof measureWakeLatency>[2]['mode']): Promise<WakeLatency> => {
      context.log(`scheduling: ${count} submits, ${IDLE_WORKERS} idle workers (${name})`);
      return measureWakeLatency(context, gateway, { model: await benchModel(context.databaseUrl, `bench-wake-${mode.kind}`), workers: IDLE_WORKERS, count, spacingMs: SUBMIT_SPACING_MS, mode });
    };
    const polling = await run('polling', { kind: 'poll', everyMs: POLL_EVERY_MS });
    const longPoll = await run('long-poll', { kind: 'long-poll', waitSeconds: LONG_POLL_SECONDS });
    return { longPoll, polling };
  } finally {
    await gateway.stop();
  }
}

async function queueClaims(context: BenchContext): Promise<{ small: Measured; large: Measured }> {
  const small = { ...SMALL, model: await benchModel(context.databaseUrl, 'bench-queue-small') };
  const large = { ...LARGE, model: await benchModel(context.databaseUrl, 'bench-queue-large') };
  await seedBenchQueue(context, small);
  await seedBenchQueue(context, large);
  const gateway = await context.startGateway();
  try {
    context.log(`scheduling: ${CLAIMING_WORKERS} workers, ${queueLabel(small)}`);
    const smallRun = await measureQueueClaims(context, gateway, small, CLAIMING_WORKERS);
    context.log(`scheduling: ${CLAIMING_WORKERS} workers, ${queueLabel(large)}`);
    const largeRun = await measureQueueClaims(context, gateway, large, CLAIMING_WORKERS);
    return { small: smallRun, large: largeRun };
  } finally {
    await gateway.stop();
  }
}

export const schedulingScenario: Scenario = {
  name: 'scheduling',
  async run(context) {
    const { longPoll, polling } = await wakeLatencies(context);
    const { small, large } = await queueClaims(context);
    const wakeVerdict =
      longPoll.latency.p50 < WAKE_GOAL_MS
        ? `meets the goal of < ${WAKE_GOAL_MS} ms by ${ms(WAKE_GOAL_MS - longPoll.latency.p50)}`
        : `misses the goal of < ${WAKE_GOAL_MS} ms by ${ms(longPoll.latency.p50 - WAKE_GOAL_MS)}`;
    const ratio = large.perSecond / small.perSecond;
    return {
      heading: 'Scheduling: idle workers and long queues',
      intro:
        `First, ${IDLE_WORKERS} idle workers of a model of their own, and one submit every ${SUBMIT_SPACING_MS} ms: how long from a submit being sent until a worker's claim of it is answered. ` +
        `Baseline: the workers as they were, each claiming and sleeping ${POLL_EVERY_MS} ms when nothing was pending; measured: long-poll claims (\`claimTask(waitSeconds: ${LONG_POLL_SECONDS})\`), woken by the commit. Each worker completes what it claims. ` +
        `Then the claim's cost against the queue's length: ${CLAIMING_WORKERS} workers claiming and completing as fast as they can, from a queue of ${queueLabel({ ...SMALL, model: '' })} (the baseline) and from one of ${queueLabel({ ...LARGE, model: '' })}, each seeded in the fair order submits would give it. A request there is one claim and its complete.`,
      header: HEADER,
      rows: [wakeRow(`polling every ${POLL_EVERY_MS} ms`, polling, undefined), wakeRow(`long-poll (waitSeconds ${LONG_POLL_SECONDS})`, longPoll, polling), claimRow(small, undefined), claimRow(large, small)],
      notes: [
        `Goal, submit → claim with idle workers: the long-poll median ${ms(longPoll.latency.p50)} ${wakeVerdict}; the polling workers' median was ${ms(polling.latency.p50)}, and their empty claims cost the gateway ${polling.claimsPerSecond.toFixed(1)} requests/s against ${longPoll.claimsPerSecond.toFixed(1)}.`,
        `Claims from ${queueLabel({ ...LARGE, model: '' })} ran at ${percent(ratio)} of the rate from ${queueLabel({ ...SMALL, model: '' })} (p50 ${ms(large.latency.p50)} against ${ms(small.latency.p50)}): the claim reads a bounded head of each model's queue by index, whatever its length.`,
        ...[longPoll, polling].filter((run) => run.unclaimed > 0).map((run) => `${run.unclaimed} submits were not claimed within 3 s of the last one.`),
        ...[small, large].flatMap((run) => (run.firstError ? [`${run.operation}: ${run.errors} failed; the first: ${run.firstError}`] : [])),
      ],
    };
  },
};
