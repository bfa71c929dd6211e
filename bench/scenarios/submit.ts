import type { BenchGateway } from '../gateway.ts';
import { COMPARISON_HEADER } from '../comparison-table.ts';
import type { AbsoluteGoal } from '../goals.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Measured } from '../measured.ts';
import { numberedApiKeys } from '../pgbench/fixtures.ts';
import { type Paired, pairedNotes, pairedRows, perCoreComparison } from '../pgbench/paired-rows.ts';
import { type BaselineOutcome, PGBENCH_CLIENTS, pgbenchBaseline } from '../pgbench/pgbench-baseline.ts';
import { CORES, PER_CORE_ENV } from '../per-core.ts';
import { SCRIPT_DESCRIPTIONS, submitScript } from '../pgbench/scripts.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { submitTask } from '../task-operations.ts';
import { measureThroughput } from '../throughput.ts';

export const SUBMIT_CONCURRENCY = PGBENCH_CLIENTS;
/** The goal of the issue, for one account and for many. */
export const SUBMIT_GOAL: AbsoluteGoal = { perSecond: 1_500, p99Ms: 50 };
const CREDITS = 2_000_000_000;
const MODEL = 'image-fast';

function label(accounts: number): string {
  return accounts === 1 ? 'submitTask, one account' : `submitTask, ${accounts} accounts`;
}

/** SUBMIT_CONCURRENCY callers spread over `accounts` accounts: caller i submits for account i mod accounts. */
async function submitFrom(context: BenchContext, gateway: BenchGateway, accounts: number): Promise<Measured> {
  const clients: GraphQLHttpClient[] = [];
  for (let n = 0; n < accounts; n++) {
    const { apiKey } = await context.newAccount(CREDITS);
    clients.push(new GraphQLHttpClient(gateway.url, apiKey, Math.ceil(SUBMIT_CONCURRENCY / accounts)));
  }
  try {
    context.log(`submit: ${SUBMIT_CONCURRENCY} callers on ${accounts} account(s) for ${context.settings.durationMs / 1000} s`);
    return await measureThroughput({ server: gateway, runBy: 'gateway', postgresCpu: context.postgresCpu }, label(accounts), {
      concurrency: SUBMIT_CONCURRENCY,
      durationMs: context.settings.durationMs,
      next: (caller) => {
        const client = clients[caller % accounts];
        return client
          ? async () => {
              await submitTask(client, MODEL);
            }
          : undefined;
      },
    });
  } finally {
    for (const client of clients) client.close();
  }
}

/** The same SQL from pgbench, its clients spread over fresh accounts the same way. */
async function pgbenchSubmits(context: BenchContext, accounts: number): Promise<BaselineOutcome> {
  const accountIds: string[] = [];
  for (let n = 0; n < accounts; n++) accountIds.push((await context.newAccount(CREDITS)).accountId);
  const keys = await numberedApiKeys(context.databaseUrl, accountIds);
  return pgbenchBaseline(context, label(accounts), submitScript(keys, MODEL));
}

/** The many-account submits again on a gateway of one process per core, beside the same pgbench run, which takes every core too. */
async function submitPerCore(context: BenchContext, pair: Paired | undefined): Promise<{ rows: string[][]; notes: string[] }> {
  if (CORES === 1 || !pair) return { rows: [], notes: [] };
  const gateway = await context.startGateway({ env: PER_CORE_ENV });
  let run: Measured;
  try {
    run = await submitFrom(context, gateway, SUBMIT_CONCURRENCY);
  } finally {
    await gateway.stop();
  }
  return perCoreComparison(pair.label, run, pair.baseline);
}

export const submitScenario: Scenario = {
  name: 'submit',
  async run(context) {
    const gateway = await context.startGateway();
    const pairs: Paired[] = [];
    try {
      // One account first: its balance row is locked by every submit until commit, so its submits serialize there.
      for (const accounts of [1, SUBMIT_CONCURRENCY]) {
        const measured = await submitFrom(context, gateway, accounts);
        pairs.push({ label: label(accounts), gateway: measured, baseline: await pgbenchSubmits(context, accounts) });
      }
    } finally {
      await gateway.stop();
    }
    const perCore = await submitPerCore(context, pairs.at(-1));
    return {
      heading: 'submit',
      intro:
        `\`submitTask\` (${MODEL}) from ${SUBMIT_CONCURRENCY} callers over kept-alive HTTP connections, each sending its next request when the last one answered: first all for one account, then each caller for an account of its own. ` +
        "Each submit commits the task, its HOLD ledger entry (which updates the account's balance row) and its SUBMITTED event in one transaction. " +
        `Right after each gateway run, its baseline: pgbench with ${PGBENCH_CLIENTS} clients on fresh accounts spread the same way, running the gateway's own statements for a submit, prepared, in the same order; each of its transactions ${SCRIPT_DESCRIPTIONS.submit}. ` +
        'Both gateway rows ran on one gateway process, one after the other, so the peak RSS of the second includes the first. ' +
        `Goal: ≥ ${SUBMIT_GOAL.perSecond.toLocaleString('en')} submits/s with p99 < ${SUBMIT_GOAL.p99Ms} ms.`,
      header: COMPARISON_HEADER,
      rows: [...pairs.flatMap(pairedRows), ...perCore.rows],
      notes: [...pairs.flatMap((pair) => pairedNotes(pair, SUBMIT_GOAL)), ...perCore.notes],
    };
  },
};
