import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Scenario } from '../scenario.ts';
import { readTask, submitTask } from '../task-operations.ts';
import { measureThroughput, THROUGHPUT_HEADER, throughputNotes, throughputRow } from '../throughput.ts';

const QUERY_CONCURRENCY = 50;
const TASKS = 200;

export const taskQueryScenario: Scenario = {
  name: 'task',
  async run(context) {
    const gateway = await context.startGateway();
    const account = await context.newAccount(1_000_000);
    const client = new GraphQLHttpClient(gateway.url, account.apiKey, QUERY_CONCURRENCY);
    try {
      const ids: string[] = [];
      for (let n = 0; n < TASKS; n++) ids.push(await submitTask(client));
      context.log(`task: ${QUERY_CONCURRENCY} callers reading ${TASKS} tasks for ${context.settings.durationMs / 1000} s`);
      let turn = 0;
      const result = await measureThroughput(gateway, 'task(id)', {
        concurrency: QUERY_CONCURRENCY,
        durationMs: context.settings.durationMs,
        next: () => {
          const id = ids[turn++ % ids.length] ?? '';
          return () => readTask(client, id);
        },
      });
      return {
        heading: 'task(id)',
        intro: `The \`task(id)\` query (a handful of scalar fields) of ${TASKS} tasks in turn, from ${QUERY_CONCURRENCY} callers. Each request authenticates its API key and reads one task row.`,
        header: THROUGHPUT_HEADER,
        rows: [throughputRow(result)],
        notes: throughputNotes(result),
      };
    } finally {
      client.close();
      await gateway.stop();
    }
  },
};
