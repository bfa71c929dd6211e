import type { BenchServer } from '../child-server.ts';
import { closedLoop } from '../closed-loop.ts';
import { COMPARISON_HEADER, comparisonRow, errorNotes, percent } from '../comparison-table.ts';
import { ratioGoal } from '../goals.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { readTask, submitTask } from '../task-operations.ts';
import { measureThroughput } from '../throughput.ts';

const QUERY_CONCURRENCY = 50;
const TASKS = 200;
/** Requests before measuring, so neither server is timed while its code is still being compiled. */
const WARM_UP_MS = 2_000;
/** The goal of the issue: the gateway at ≥ 80% of bare graphql-yoga's throughput. */
export const TASK_QUERY_GOAL = 0.8;
/** How far apart the baseline's two runs may be before the ratio is called uncertain. */
const BASELINE_DRIFT = 0.1;
const BARE_YOGA = 'bare graphql-yoga';

/** A server under test with the load generator's client for it. */
interface Endpoint {
  server: BenchServer;
  runBy: string;
  client: GraphQLHttpClient;
}

/** The same query of the same tasks, the same callers and connections, whichever server answers. */
function readTasks(context: BenchContext, target: Endpoint, ids: string[], durationMs: number): Promise<Measured> {
  let turn = 0;
  return measureThroughput({ ...target, postgresCpu: context.postgresCpu }, 'task(id)', {
    concurrency: QUERY_CONCURRENCY,
    durationMs,
    next: () => {
      const id = ids[turn++ % ids.length] ?? '';
      return () => readTask(target.client, id);
    },
  });
}

async function warmUp(target: Endpoint, ids: string[]): Promise<void> {
  await closedLoop({
    concurrency: QUERY_CONCURRENCY,
    durationMs: WARM_UP_MS,
    next: (caller) => () => readTask(target.client, ids[caller % ids.length] ?? ''),
  });
}

function notes(gateway: Measured, before: Measured, after: Measured): string[] {
  const perSecond = (before.perSecond + after.perSecond) / 2;
  const drift = Math.abs(before.perSecond - after.perSecond) / perSecond;
  const spread =
    `The baseline's runs before and after the gateway's differed by ${percent(drift)}` +
    (drift > BASELINE_DRIFT ? ": the machine's load changed meanwhile, so the ratio is uncertain by about as much." : '.');
  return [
    ratioGoal('task(id)', gateway, { perSecond, what: `${BARE_YOGA} (the mean of its runs before and after)` }, TASK_QUERY_GOAL),
    spread,
    ...[before, gateway, after].flatMap(errorNotes),
  ];
}

export const taskQueryScenario: Scenario = {
  name: 'task',
  async run(context) {
    const gateway = await context.startGateway();
    let bareYoga: BenchServer | undefined;
    const clients: GraphQLHttpClient[] = [];
    const serve = (server: BenchServer, runBy: string, apiKey: string): Endpoint => {
      const client = new GraphQLHttpClient(server.url, apiKey, QUERY_CONCURRENCY);
      clients.push(client);
      return { server, runBy, client };
    };
    try {
      bareYoga = await context.startBareYoga();
      const account = await context.newAccount(1_000_000);
      const onGateway = serve(gateway, 'gateway', account.apiKey);
      const onBareYoga = serve(bareYoga, BARE_YOGA, account.apiKey);
      const ids: string[] = [];
      for (let n = 0; n < TASKS; n++) ids.push(await submitTask(onGateway.client));
      await warmUp(onBareYoga, ids);
      await warmUp(onGateway, ids);
      const { durationMs } = context.settings;
      context.log(`task: ${QUERY_CONCURRENCY} callers reading ${TASKS} tasks for ${durationMs / 1000} s: ${BARE_YOGA}, the gateway, ${BARE_YOGA} again`);
      const before = await readTasks(context, onBareYoga, ids, durationMs);
      const measured = await readTasks(context, onGateway, ids, durationMs);
      const after = await readTasks(context, onBareYoga, ids, durationMs);
      const baseline = { perSecond: (before.perSecond + after.perSecond) / 2, latency: { p99: (before.latency.p99 + after.latency.p99) / 2 } };
      return {
        heading: 'task(id)',
        intro:
          `The \`task(id)\` query (a handful of scalar fields) of ${TASKS} tasks in turn, from ${QUERY_CONCURRENCY} callers, each on a kept-alive connection of its own. ` +
          'On the gateway each request authenticates its API key and reads one task row. ' +
          `The baseline, ${BARE_YOGA} (\`bench/baselines/bare-yoga-server.ts\`, a process of its own), answers the same query text with one \`pg\` point select of the same row's columns, on a pool as large as the gateway's, and nothing else: no authentication, no query limits, no Pothos, no Prisma. ` +
          'It ran immediately before and immediately after the gateway, against the same tasks; the ratios are against the mean of its two runs, and the spread between them says how much the machine drifted meanwhile. ' +
          `Goal: the gateway at ≥ ${percent(TASK_QUERY_GOAL)} of the baseline's requests per second.`,
        header: COMPARISON_HEADER,
        rows: [
          comparisonRow({ ...before, runBy: `${BARE_YOGA} (before)` }, 'baseline'),
          comparisonRow(measured, { baseline }),
          comparisonRow({ ...after, runBy: `${BARE_YOGA} (after)` }, 'baseline'),
        ],
        notes: notes(measured, before, after),
      };
    } finally {
      for (const client of clients) client.close();
      await bareYoga?.stop();
      await gateway.stop();
    }
  },
};
