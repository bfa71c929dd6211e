import type { NewWorker } from '../../src/services/workers.ts';
import { COMPARISON_HEADER } from '../comparison-table.ts';
import type { BenchGateway } from '../gateway.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import { numberedWorkerKeys } from '../pgbench/fixtures.ts';
import { type Paired, pairedNotes, pairedRows } from '../pgbench/paired-rows.ts';
import { type BaselineOutcome, PGBENCH_CLIENTS, PGBENCH_RUN_BY, pgbenchBaseline } from '../pgbench/pgbench-baseline.ts';
import { cycleScript, SCRIPT_DESCRIPTIONS } from '../pgbench/scripts.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { pendingCount, seedPendingTasks } from '../seed-tasks.ts';
import { measureThroughput } from '../throughput.ts';
import { untilQueueEmpty, workCycle } from '../worker-cycle.ts';

const WORKERS = PGBENCH_CLIENTS;
/** A model no other scenario submits, so the workers claim only the tasks made for them. */
const MODEL = 'video-hd';
const LEASE_SECONDS = 30;
/**
 * Pending tasks at the start of each run, per second of it. Both runs start
 * from the same queue, so neither runs dry first.
 */
const BACKLOG_PER_SECOND = 1_000;
const CREDITS = 2_000_000_000;
const LABEL = 'claim → progress → complete';

interface Backlog {
  runBy: string;
  before: number;
  after: number;
}

function backlog(context: BenchContext): number {
  return Math.ceil((context.settings.durationMs / 1000) * BACKLOG_PER_SECOND);
}

/** Brings the pending tasks of MODEL up to the backlog; returns how many there are. */
async function topUp(context: BenchContext): Promise<number> {
  const target = backlog(context);
  const pending = await pendingCount(context.databaseUrl, MODEL);
  if (pending >= target) return pending;
  const { accountId } = await context.newAccount(CREDITS);
  context.log(`cycle: seeding ${target - pending} pending ${MODEL} tasks`);
  await seedPendingTasks(context.databaseUrl, accountId, MODEL, target - pending);
  return target;
}

/** WORKERS workers, each with its own worker key and connection, each taking task after task through its cycle. */
async function gatewayCycles(context: BenchContext, gateway: BenchGateway, workerKeys: string[]): Promise<Measured> {
  const clients = workerKeys.map((key) => new GraphQLHttpClient(gateway.url, key, 1));
  try {
    context.log(`cycle: ${WORKERS} workers for ${context.settings.durationMs / 1000} s`);
    return await measureThroughput({ server: gateway, runBy: 'gateway', postgresCpu: context.postgresCpu }, LABEL, {
      concurrency: WORKERS,
      durationMs: context.settings.durationMs,
      next: untilQueueEmpty(clients, (client) => workCycle(client, MODEL, LEASE_SECONDS)),
    });
  } finally {
    for (const client of clients) client.close();
  }
}

function pgbenchCycles(context: BenchContext, workerIds: string[]): Promise<BaselineOutcome> {
  return numberedWorkerKeys(context.databaseUrl, workerIds).then((keys) =>
    pgbenchBaseline(context, LABEL, cycleScript(keys, MODEL, LEASE_SECONDS, new Date(Date.now() + 3_600_000))),
  );
}

function backlogNote(backlogs: Backlog[]): string {
  const runs = backlogs.map(({ runBy, before, after }) => `${runBy} ${before.toLocaleString('en')} → ${after.toLocaleString('en')}`);
  const emptied = backlogs.filter(({ after }) => after === 0).map(({ runBy }) => runBy);
  return (
    `Pending ${MODEL} tasks at the start → end of each run: ${runs.join('; ')}.` +
    (emptied.length > 0 ? ` The queue ran dry during the run of ${emptied.join(' and ')}: its figures cover less than the full time.` : '')
  );
}

export const cycleScenario: Scenario = {
  name: 'cycle',
  async run(context) {
    const workers: NewWorker[] = [];
    for (let n = 0; n < WORKERS; n++) workers.push(await context.newWorker());
    const gateway = await context.startGateway();
    const backlogs: Backlog[] = [];
    const measure = async <T>(runBy: string, run: () => Promise<T>): Promise<T> => {
      const before = await topUp(context);
      const result = await run();
      backlogs.push({ runBy, before, after: await pendingCount(context.databaseUrl, MODEL) });
      return result;
    };
    let pair: Paired;
    try {
      const measured = await measure('gateway', () => gatewayCycles(context, gateway, workers.map((worker) => worker.workerKey)));
      const baseline = await measure(PGBENCH_RUN_BY, () => pgbenchCycles(context, workers.map((worker) => worker.workerId)));
      pair = { label: LABEL, gateway: measured, baseline };
    } finally {
      await gateway.stop();
    }
    return {
      heading: 'claim → progress → complete',
      intro:
        `${WORKERS} workers, each with a worker key of its own and a kept-alive connection, each taking one pending ${MODEL} task after another through its whole cycle over HTTP: \`claimTask\`, \`reportProgress\` (0.5) and \`completeTask\`, the last two fenced by the claim's attempt. ` +
        `A request in this table is one whole cycle: three calls, three transactions. Each run starts from a queue of ${backlog(context).toLocaleString('en')} pending tasks (${BACKLOG_PER_SECOND.toLocaleString('en')} per second of the run, made beforehand in bulk and topped up before the second run), so neither runs dry. ` +
        `Right after the gateway's run, its baseline: pgbench with ${PGBENCH_CLIENTS} clients, one per worker key, running the gateway's own statements of the cycle, prepared; one pass of its script is one cycle, ${SCRIPT_DESCRIPTIONS.cycle}. No goal; reported for reference.`,
      header: COMPARISON_HEADER,
      rows: pairedRows(pair),
      notes: [...pairedNotes(pair), backlogNote(backlogs)],
    };
  },
};
