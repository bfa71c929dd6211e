import { COMPARISON_HEADER, comparisonRow, errorNotes, percent } from '../comparison-table.ts';
import type { AbsoluteGoal } from '../goals.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import { numberedApiKeys, queueForCancel } from '../pgbench/fixtures.ts';
import { type Paired, pairedNotes, pairedRows, perCoreComparison } from '../pgbench/paired-rows.ts';
import { type BaselineOutcome, PGBENCH_CLIENTS, pgbenchBaseline } from '../pgbench/pgbench-baseline.ts';
import { CORES, PER_CORE, PER_CORE_ENV } from '../per-core.ts';
import { cancelScript, SCRIPT_DESCRIPTIONS } from '../pgbench/scripts.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { seedPendingTasks } from '../seed-tasks.ts';
import { cancelTask } from '../task-operations.ts';
import { measureThroughput } from '../throughput.ts';
import { openListeners } from '../ws-listeners.ts';

const CANCEL_CONCURRENCY = PGBENCH_CLIENTS;
/** The goal of the issue. */
export const CANCEL_GOAL: AbsoluteGoal = { perSecond: 1_500, p99Ms: 50 };
/** Pending tasks made for each run, per second of it: more than the gateway or pgbench is expected to cancel. */
const SEEDED_PER_SECOND = 4_000;
const CREDITS = 2_000_000_000;
const MODEL = 'image-fast';
/** Streams of the same account, each hearing every cancel. */
const LISTENERS = 10;
const LABEL = 'cancelTask (pending)';

function seeded(context: BenchContext): number {
  return Math.ceil((context.settings.durationMs / 1000) * SEEDED_PER_SECOND);
}

async function pgbenchCancels(context: BenchContext): Promise<BaselineOutcome> {
  const { accountId } = await context.newAccount(CREDITS);
  const tasks = await seedPendingTasks(context.databaseUrl, accountId, MODEL, seeded(context));
  await queueForCancel(context.databaseUrl, tasks.map((task) => task.rowId));
  const keys = await numberedApiKeys(context.databaseUrl, [accountId]);
  return pgbenchBaseline(context, LABEL, cancelScript(keys));
}

function ranOut(baseline: BaselineOutcome): string[] {
  if ('skipped' in baseline || !baseline.measured.firstError?.includes('expected one row')) return [];
  return ['pgbench used up its queue of pending tasks before the time was up: its clients stopped early, so its row undercounts.'];
}

export const cancelScenario: Scenario = {
  name: 'cancel',
  async run(context) {
    const account = await context.newAccount(CREDITS);
    const gateway = await context.startGateway();
    const client = new GraphQLHttpClient(gateway.url, account.apiKey, CANCEL_CONCURRENCY);
    try {
      // Made before any listener connects: the hub starts a stream at the log's end, past their SUBMITTED events.
      const seed = async (): Promise<string[]> => {
        context.log(`cancel: seeding ${seeded(context)} pending tasks`);
        return (await seedPendingTasks(context.databaseUrl, account.accountId, MODEL, seeded(context))).map((task) => task.id);
      };
      const cancelWindow = async (operation: string, pending: string[], on = { server: gateway, runBy: 'gateway', client }): Promise<{ run: Measured; exhausted: boolean }> => {
        context.log(`cancel: ${CANCEL_CONCURRENCY} callers, ${operation}`);
        const run = await measureThroughput({ server: on.server, runBy: on.runBy, postgresCpu: context.postgresCpu }, operation, {
          concurrency: CANCEL_CONCURRENCY,
          durationMs: context.settings.durationMs,
          next: () => {
            const taskId = pending.pop();
            return taskId === undefined ? undefined : () => cancelTask(on.client, taskId);
          },
        });
        return { run, exhausted: pending.length === 0 };
      };
      /** The quiet cancels again on a gateway of one process per core, beside the same pgbench run. */
      const cancelPerCore = async (): Promise<{ run: Measured; exhausted: boolean } | undefined> => {
        if (CORES === 1) return undefined;
        const pending = await seed();
        const perCore = await context.startGateway({ env: PER_CORE_ENV });
        const perCoreClient = new GraphQLHttpClient(perCore.url, account.apiKey, CANCEL_CONCURRENCY);
        try {
          return await cancelWindow(LABEL, pending, { server: perCore, runBy: PER_CORE, client: perCoreClient });
        } finally {
          perCoreClient.close();
          await perCore.stop();
        }
      };
      const quiet = await cancelWindow(LABEL, await seed());
      const pair: Paired = { label: LABEL, gateway: quiet.run, baseline: await pgbenchCancels(context) };
      const forListeners = await seed();
      const listeners = await openListeners({
        url: gateway.url,
        apiKey: account.apiKey,
        listeners: LISTENERS,
        perSocket: 1,
        query: 'subscription { taskEvents { cursor type state } }',
        connectConcurrency: LISTENERS,
      });
      let streamed: { run: Measured; exhausted: boolean };
      try {
        streamed = await cancelWindow(`${LABEL}, ${LISTENERS} taskEvents listeners`, forListeners);
      } finally {
        await listeners.close();
      }
      const perCore = await cancelPerCore();
      const exhausted =
        quiet.exhausted || streamed.exhausted || perCore?.exhausted
          ? ['The pending tasks ran out before the time was up: a gateway window is shorter than planned.']
          : [];
      const ratio = `With ${LISTENERS} listeners hearing every cancel, the gateway's cancel throughput was ${percent(streamed.run.perSecond / quiet.run.perSecond)} of that without (the listeners' deliveries run on the same gateway); ${listeners.received().toLocaleString('en')} events were delivered to them.`;
      const { baseline } = pair;
      const perCoreRows = perCore && perCoreComparison(LABEL, perCore.run, baseline);
      return {
        heading: 'cancel',
        intro:
          `\`cancelTask\` of PENDING ${MODEL} tasks of one account from ${CANCEL_CONCURRENCY} callers, each task cancelled once. The tasks are made beforehand in bulk (${SEEDED_PER_SECOND.toLocaleString('en')} per second of the run), as submits would have left them: each with its HOLD entry and SUBMITTED event. ` +
          "Each cancel locks the task row and writes the task, its full REFUND (which updates the account's balance row) and its CANCELLED event in one transaction. " +
          `Right after the gateway's run, its baseline: pgbench with ${PGBENCH_CLIENTS} clients on another account with as many pending tasks, running the gateway's own statements for a cancel, prepared; each of its transactions ${SCRIPT_DESCRIPTIONS.cancel}. ` +
          "Then the gateway again while streams listen: NOTIFY is sent after the commit, coalesced, never inside the cancel's transaction, so the write path itself is not slowed by listeners. " +
          `Goal: ≥ ${CANCEL_GOAL.perSecond.toLocaleString('en')} cancels/s with p99 < ${CANCEL_GOAL.p99Ms} ms.`,
        header: COMPARISON_HEADER,
        rows: [
          ...pairedRows(pair),
          comparisonRow(streamed.run, 'skipped' in baseline ? 'alone' : { baseline: baseline.measured }),
          ...(perCoreRows?.rows ?? []),
        ],
        notes: [
          ...pairedNotes(pair, CANCEL_GOAL),
          ratio,
          ...(perCoreRows?.notes ?? []),
          ...errorNotes(streamed.run),
          ...ranOut(baseline),
          ...exhausted,
        ],
      };
    } finally {
      client.close();
      await gateway.stop();
    }
  },
};
