import { closedLoop } from '../closed-loop.ts';
import { errorNotes } from '../comparison-table.ts';
import type { BenchGateway } from '../gateway.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import { mebibytes, ms } from '../percentiles.ts';
import { LARGEST_PAGE } from '../hostile/large-responses.ts';
import { benchModel } from '../catalog.ts';
import { largeResponses, LARGE_MODEL, type PhaseResult, quiet, SMALL_MODEL, stalledSse, subscriptionCap } from '../hostile/phases.ts';
import { type Arena, VICTIM_CALLERS } from '../hostile/phase-window.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { readTask, submitTask } from '../task-operations.ts';

const VICTIM_TASKS = 20;
/** One more than the largest page, so every page is full. */
const LARGE_TASKS = LARGEST_PAGE + 1;
/** About 0.8 MiB of JSON, under the 1 MiB an input may hold. */
const LARGE_INPUT = { blob: 'x'.repeat(800 * 1024) };
/** Enough for every task of the run, whatever the models cost. */
const ATTACKER_CREDITS = 10_000_000;
/** Reads before the baseline, so it is not timed while the gateway's code is still being compiled. */
const WARM_UP_MS = 1_000;

/** The two tenants and their tasks on a running gateway; the clients made are closed by the caller. */
async function setUp(context: BenchContext, gateway: BenchGateway, clients: GraphQLHttpClient[]): Promise<Arena> {
  const client = (apiKey: string, connections: number): GraphQLHttpClient => {
    const made = new GraphQLHttpClient(gateway.url, apiKey, connections);
    clients.push(made);
    return made;
  };
  // Models of the scenario's own: a claim of another scenario's leftover task would send the worker's events to another account.
  await benchModel(context.databaseUrl, LARGE_MODEL);
  await benchModel(context.databaseUrl, SMALL_MODEL);
  const victim = await context.newAccount(1_000_000);
  const attacker = await context.newAccount(ATTACKER_CREDITS);
  const worker = await context.newWorker();
  const victimClient = client(victim.apiKey, VICTIM_CALLERS);
  const attackerClient = client(attacker.apiKey, 1);
  const taskIds: string[] = [];
  for (let n = 0; n < VICTIM_TASKS; n++) taskIds.push(await submitTask(victimClient));
  context.log(`hostile: the attacker submits ${LARGE_TASKS} tasks of ${(JSON.stringify(LARGE_INPUT).length / 2 ** 20).toFixed(2)} MiB each`);
  // The small task first, so the large ones are the newest: the page `tasks` gives first.
  await submitTask(attackerClient, SMALL_MODEL);
  const largeTaskIds: string[] = [];
  for (let n = 0; n < LARGE_TASKS; n++) largeTaskIds.push(await submitTask(attackerClient, LARGE_MODEL, LARGE_INPUT));
  return {
    context,
    gateway,
    victim: { client: victimClient, taskIds },
    attacker: { apiKey: attacker.apiKey, largeTaskIds },
    worker: client(worker.workerKey, 1),
  };
}

function row(result: PhaseResult): string[] {
  const { victim, rss } = result;
  const cores = victim.serverCpu === undefined ? '—' : `${(victim.serverCpu / (victim.elapsedMs / 1000)).toFixed(2)} cores`;
  return [
    result.phase,
    result.attack,
    ms(victim.latency.p50),
    ms(victim.latency.p99),
    victim.perSecond.toFixed(0),
    String(victim.errors),
    cores,
    mebibytes(rss.startBytes),
    mebibytes(rss.peakBytes),
    mebibytes(rss.endBytes),
    result.got,
  ];
}

/** Each phase's victim latency against the quiet baseline's, and the phase's findings. */
function notes(baseline: PhaseResult, results: PhaseResult[]): string[] {
  const { p50, p99 } = baseline.victim.latency;
  const ratios = results
    .filter((result) => result !== baseline)
    .map(({ phase, victim }) => {
      const now = victim.latency;
      return `${phase}: the victim's p50 ${(now.p50 / p50).toFixed(1)}× and p99 ${(now.p99 / p99).toFixed(1)}× the quiet baseline's (${ms(p50)} → ${ms(now.p50)}, ${ms(p99)} → ${ms(now.p99)}).`;
    });
  return [...ratios, ...results.flatMap((result) => [...result.findings, ...errorNotes(result.victim)])];
}

export const hostileScenario: Scenario = {
  name: 'hostile',
  async run(context) {
    const gateway = await context.startGateway({ tenantLimits: true });
    const clients: GraphQLHttpClient[] = [];
    try {
      const arena = await setUp(context, gateway, clients);
      const { victim } = arena;
      await closedLoop({
        concurrency: VICTIM_CALLERS,
        durationMs: WARM_UP_MS,
        next: (caller) => () => readTask(victim.client, victim.taskIds[caller % victim.taskIds.length] ?? ''),
      });
      const results: PhaseResult[] = [];
      for (const phase of [quiet, largeResponses, stalledSse, subscriptionCap]) {
        context.log(`hostile: phase ${results.length + 1} of 4, ${context.settings.durationMs / 1000} s`);
        results.push(await phase(arena));
      }
      const [baseline] = results;
      if (!baseline) throw new Error('hostile: no quiet baseline');
      return {
        heading: 'one hostile client',
        intro:
          `What one client with an ordinary API key does to another tenant of the same gateway. The victim, an account of its own, reads its own tasks with \`task(id)\` from ${VICTIM_CALLERS} callers in a closed loop, each on a kept-alive connection, through four phases of ${context.settings.durationMs / 1000} s each: ` +
          `alone (the baseline); beside an attacker asking for the largest page of its own tasks the cost limit lets through, ${LARGE_TASKS - 1} inputs of 0.8 MiB; beside SSE streams of the attacker's events that are never read while a worker reports progress on an attacker task of 0.8 MiB, so each event is that large; ` +
          'and beside the attacker at its key\'s subscription cap over WebSocket, each stream with filters of its own so none share an execution, while the worker reports progress on a small task, so each event fans out to every stream. ' +
          'RSS is the gateway process\'s, read from /proc every 100 ms during each phase: the first reading, the peak of them all and the last. One gateway serves every phase, so each starts with what the last left.',
        header: ['phase', 'attacker', 'victim p50', 'victim p99', 'victim req/s', 'victim errors', 'gateway CPU', 'gateway RSS at start', 'gateway RSS peak', 'gateway RSS at end', 'what the attacker got'],
        rows: results.map(row),
        notes: notes(baseline, results),
      };
    } finally {
      for (const client of clients) client.close();
      await gateway.stop();
    }
  },
};
