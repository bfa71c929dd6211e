import type { BenchGateway } from '../gateway.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { BenchContext, Scenario } from '../scenario.ts';
import { submitTask } from '../task-operations.ts';
import { measureThroughput, type Throughput, THROUGHPUT_HEADER, throughputNotes, throughputRow } from '../throughput.ts';

export const SUBMIT_CONCURRENCY = 32;
const CREDITS = 2_000_000_000;

/** SUBMIT_CONCURRENCY callers spread over `accounts` accounts: caller i submits for account i mod accounts. */
async function submitFrom(context: BenchContext, gateway: BenchGateway, accounts: number): Promise<Throughput> {
  const clients: GraphQLHttpClient[] = [];
  for (let n = 0; n < accounts; n++) {
    const { apiKey } = await context.newAccount(CREDITS);
    clients.push(new GraphQLHttpClient(gateway.url, apiKey, Math.ceil(SUBMIT_CONCURRENCY / accounts)));
  }
  try {
    context.log(`submit: ${SUBMIT_CONCURRENCY} callers on ${accounts} account(s) for ${context.settings.durationMs / 1000} s`);
    return await measureThroughput(gateway, accounts === 1 ? 'submitTask, one account' : `submitTask, ${accounts} accounts`, {
      concurrency: SUBMIT_CONCURRENCY,
      durationMs: context.settings.durationMs,
      next: (caller) => {
        const client = clients[caller % accounts];
        return client
          ? async () => {
              await submitTask(client);
            }
          : undefined;
      },
    });
  } finally {
    for (const client of clients) client.close();
  }
}

export const submitScenario: Scenario = {
  name: 'submit',
  async run(context) {
    const gateway = await context.startGateway();
    const results: Throughput[] = [];
    try {
      // One account first: its balance row is locked by every submit until commit, so its submits serialize there.
      for (const accounts of [1, SUBMIT_CONCURRENCY]) results.push(await submitFrom(context, gateway, accounts));
    } finally {
      await gateway.stop();
    }
    return {
      heading: 'submit',
      intro:
        `\`submitTask\` (image-fast) from ${SUBMIT_CONCURRENCY} callers over kept-alive HTTP connections, each sending its next request when the last one answered: first all for one account, then each caller for an account of its own. ` +
        "Each submit commits the task, its HOLD ledger entry (which updates the account's balance row) and its SUBMITTED event in one transaction. " +
        'Both rows ran on one gateway process, one after the other, so the peak RSS of the second includes the first.',
      header: THROUGHPUT_HEADER,
      rows: results.map(throughputRow),
      notes: results.flatMap(throughputNotes),
    };
  },
};
