import { execFileSync } from 'node:child_process';
import { decodeGlobalID } from '@pothos/plugin-relay';
import type { BenchServer } from '../child-server.ts';
import { closedLoop } from '../closed-loop.ts';
import { COMPARISON_HEADER, comparisonRow, errorNotes, percent } from '../comparison-table.ts';
import { ratioGoal } from '../goals.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { readTask, readTaskByRowId, submitTask } from '../task-operations.ts';
import { measureThroughput } from '../throughput.ts';
import { CORES, PER_CORE, PER_CORE_ENV } from '../per-core.ts';

const QUERY_CONCURRENCY = 50;
const TASKS = 200;
/** Requests before measuring, so neither server is timed while its code is still being compiled. */
const WARM_UP_MS = 2_000;
/** The goal: the gateway at least as fast as each baseline. */
export const TASK_QUERY_GOAL = 1.0;
/** The goal: the gateway's CPU per request at most this multiple of bare graphql-yoga's. */
const CPU_GOAL = 1.1;
/** How far apart the baseline's two runs may be before the ratio is called uncertain. */
const BASELINE_DRIFT = 0.1;
const BARE_YOGA = 'bare graphql-yoga';
const POSTGRAPHILE = 'PostGraphile 5.1.5';

/** A server under test with the load generator's client for it, and how it reads one task. */
interface Endpoint {
  server: BenchServer;
  runBy: string;
  client: GraphQLHttpClient;
  read: (client: GraphQLHttpClient, id: string) => Promise<void>;
}

/** The same tasks, the same callers and connections, whichever server answers. */
function readTasks(context: BenchContext, target: Endpoint, ids: string[], durationMs: number): Promise<Measured> {
  let turn = 0;
  return measureThroughput({ ...target, postgresCpu: context.postgresCpu }, 'task(id)', {
    concurrency: QUERY_CONCURRENCY,
    durationMs,
    next: () => {
      const id = ids[turn++ % ids.length] ?? '';
      return () => target.read(target.client, id);
    },
  });
}

async function warmUp(target: Endpoint, ids: string[]): Promise<void> {
  await closedLoop({
    concurrency: QUERY_CONCURRENCY,
    durationMs: WARM_UP_MS,
    next: (caller) => () => target.read(target.client, ids[caller % ids.length] ?? ''),
  });
}

/** A baseline's two runs, before and after the gateway's: their mean, and how far apart they were. */
function pairOf(before: Measured, after: Measured) {
  const perSecond = (before.perSecond + after.perSecond) / 2;
  return {
    perSecond,
    latency: { p99: (before.latency.p99 + after.latency.p99) / 2 },
    cpuPerRequest: (cpuPerRequest(before) + cpuPerRequest(after)) / 2,
    drift: Math.abs(before.perSecond - after.perSecond) / perSecond,
  };
}

function cpuPerRequest(run: Measured): number {
  return run.serverCpu === undefined || run.latency.count === 0 ? Number.NaN : (run.serverCpu * 1e6) / run.latency.count;
}

function driftNote(name: string, drift: number): string {
  return (
    `The runs of ${name} before and after the gateway's differed by ${percent(drift)}` +
    (drift > BASELINE_DRIFT ? ": the machine's load changed meanwhile, so the ratio is uncertain by about as much." : '.')
  );
}

function cpuGoal(gateway: Measured, bareYogaCpu: number): string {
  const own = cpuPerRequest(gateway);
  const ratio = own / bareYogaCpu;
  const verdict = ratio <= CPU_GOAL ? `meets the goal of ≤ ${CPU_GOAL.toFixed(1)}×` : `misses the goal of ≤ ${CPU_GOAL.toFixed(1)}× by ${(ratio - CPU_GOAL).toFixed(2)}`;
  return `Goal, gateway CPU per task(id): ${Math.round(own)} µs against ${Math.round(bareYogaCpu)} µs of ${BARE_YOGA}, ${ratio.toFixed(2)}×; ${verdict}.`;
}

/** The gateway again, one process per core, on a gateway of its own: how it scales past the one core the goals are about. */
async function readTasksPerCore(
  context: BenchContext,
  { node, apiKey, ids, serve }: { node: string | undefined; apiKey: string; ids: string[]; serve: (server: BenchServer, runBy: string, apiKey: string, read: Endpoint['read']) => Endpoint },
): Promise<Measured> {
  const gateway = await context.startGateway({ node, env: PER_CORE_ENV });
  try {
    const target = serve(gateway, PER_CORE, apiKey, readTask);
    await warmUp(target, ids);
    context.log(`task: ${PER_CORE}`);
    return await readTasks(context, target, ids, context.settings.durationMs);
  } finally {
    await gateway.stop();
  }
}

function perCoreNote(single: Measured, perCore: Measured, baseline: string, baselinePerSecond: number): string {
  return (
    `Past one core: ${CORES} gateway processes sharing the port (\`TASKGATE_PROCESSES=${CORES}\`) answered ${Math.round(perCore.perSecond).toLocaleString('en')} req/s, ` +
    `${percent(perCore.perSecond / single.perSecond)} of one process's rate and ${percent(perCore.perSecond / baselinePerSecond)} of ${baseline}'s (one process); ` +
    'on this machine the load generator and PostgreSQL take the same cores, so this is the least of what more cores give. The goals above are about one process.'
  );
}

export const taskQueryScenario: Scenario = {
  name: 'task',
  async run(context) {
    const postgraphile = await context.startPostgraphile();
    // All three on one Node: PostGraphile's when it runs, so the comparison is of the servers and not of the Node versions.
    const node = 'skipped' in postgraphile ? undefined : postgraphile.node;
    const nodeVersion = node ? execFileSync(node, ['--version']).toString().trim() : process.version;
    const gateway = await context.startGateway({ node });
    let bareYoga: BenchServer | undefined;
    const clients: GraphQLHttpClient[] = [];
    const serve = (server: BenchServer, runBy: string, apiKey: string, read: Endpoint['read']): Endpoint => {
      const client = new GraphQLHttpClient(server.url, apiKey, QUERY_CONCURRENCY);
      clients.push(client);
      return { server, runBy, client, read };
    };
    try {
      bareYoga = await context.startBareYoga(node);
      const account = await context.newAccount(1_000_000);
      const onGateway = serve(gateway, 'gateway', account.apiKey, readTask);
      const onBareYoga = serve(bareYoga, BARE_YOGA, account.apiKey, readTask);
      const onPostgraphile = 'skipped' in postgraphile ? undefined : serve(postgraphile.server, POSTGRAPHILE, account.apiKey, readTaskByRowId);
      const ids: string[] = [];
      for (let n = 0; n < TASKS; n++) ids.push(await submitTask(onGateway.client));
      const rowIds = ids.map((id) => decodeGlobalID(id).id);
      await warmUp(onBareYoga, ids);
      if (onPostgraphile) await warmUp(onPostgraphile, rowIds);
      await warmUp(onGateway, ids);
      const { durationMs } = context.settings;
      context.log(`task: ${QUERY_CONCURRENCY} callers reading ${TASKS} tasks for ${durationMs / 1000} s each on Node ${nodeVersion}: the baselines, the gateway, the baselines again`);
      const yogaBefore = await readTasks(context, onBareYoga, ids, durationMs);
      const pglBefore = onPostgraphile && (await readTasks(context, onPostgraphile, rowIds, durationMs));
      const measured = await readTasks(context, onGateway, ids, durationMs);
      const pglAfter = onPostgraphile && (await readTasks(context, onPostgraphile, rowIds, durationMs));
      const yogaAfter = await readTasks(context, onBareYoga, ids, durationMs);
      const yoga = pairOf(yogaBefore, yogaAfter);
      const pgl = pglBefore && pglAfter ? pairOf(pglBefore, pglAfter) : undefined;
      const perCore = CORES > 1 ? await readTasksPerCore(context, { node, apiKey: account.apiKey, ids, serve }) : undefined;
      return {
        heading: 'task(id)',
        intro:
          `The \`task(id)\` query (a handful of scalar fields) of ${TASKS} tasks in turn, from ${QUERY_CONCURRENCY} callers, each on a kept-alive connection of its own, every server on Node ${nodeVersion}${node ? " (PostGraphile's, from the `node` package of its baseline folder)" : ''}. ` +
          'On the gateway each request authenticates its API key and reads one task row. ' +
          `Baselines, each a process of its own: ${BARE_YOGA} (\`bench/baselines/bare-yoga-server.ts\`) answers the same query text with one \`pg\` point select of the same row's columns, on a pool as large as the gateway's, and nothing else: no authentication, no query limits, no Pothos, no Prisma; ` +
          `${POSTGRAPHILE} (\`bench/baselines/postgraphile/server.mjs\`, the amber preset over the same database, as its documentation sets it up) answers \`taskByRowId\` with the same columns of the same row. ` +
          'Each baseline ran before and after the gateway, against the same tasks; the ratios are against the mean of its two runs. ' +
          `Goals: the gateway at ≥ 100% of each baseline's requests per second, and at most ${CPU_GOAL.toFixed(1)}× ${BARE_YOGA}'s CPU per request.`,
        header: COMPARISON_HEADER,
        rows: [
          comparisonRow({ ...yogaBefore, runBy: `${BARE_YOGA} (before)` }, 'baseline'),
          ...(pglBefore ? [comparisonRow({ ...pglBefore, runBy: `${POSTGRAPHILE} (before)` }, 'baseline')] : []),
          comparisonRow({ ...measured, runBy: `gateway, against ${BARE_YOGA}` }, { baseline: yoga }),
          ...(pgl ? [comparisonRow({ ...measured, runBy: `gateway, against ${POSTGRAPHILE}` }, { baseline: pgl })] : []),
          ...(pglAfter ? [comparisonRow({ ...pglAfter, runBy: `${POSTGRAPHILE} (after)` }, 'baseline')] : []),
          comparisonRow({ ...yogaAfter, runBy: `${BARE_YOGA} (after)` }, 'baseline'),
          ...(perCore ? [comparisonRow({ ...perCore, runBy: `${PER_CORE}, against ${pgl ? POSTGRAPHILE : BARE_YOGA}` }, { baseline: pgl ?? yoga })] : []),
        ],
        notes: [
          ratioGoal('task(id) against bare graphql-yoga', measured, { perSecond: yoga.perSecond, what: `${BARE_YOGA} (the mean of its runs)` }, TASK_QUERY_GOAL),
          ...(pgl ? [ratioGoal('task(id) against PostGraphile', measured, { perSecond: pgl.perSecond, what: `${POSTGRAPHILE} (the mean of its runs)` }, TASK_QUERY_GOAL)] : []),
          cpuGoal(measured, yoga.cpuPerRequest),
          ...(perCore ? [perCoreNote(measured, perCore, pgl ? POSTGRAPHILE : BARE_YOGA, (pgl ?? yoga).perSecond)] : []),
          driftNote(BARE_YOGA, yoga.drift),
          ...(pgl ? [driftNote(POSTGRAPHILE, pgl.drift)] : []),
          ...('skipped' in postgraphile ? [`${POSTGRAPHILE} was not measured: ${postgraphile.skipped}`] : []),
          ...[yogaBefore, pglBefore, measured, pglAfter, yogaAfter, perCore].flatMap((run) => (run ? errorNotes(run) : [])),
        ],
      };
    } finally {
      for (const client of clients) client.close();
      await bareYoga?.stop();
      if (!('skipped' in postgraphile)) await postgraphile.server.stop();
      await gateway.stop();
    }
  },
};
