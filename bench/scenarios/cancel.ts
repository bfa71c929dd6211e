import { closedLoop } from '../closed-loop.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Scenario } from '../scenario.ts';
import { cancelTask, submitTask } from '../task-operations.ts';
import { measureThroughput, THROUGHPUT_HEADER, throughputNotes, throughputRow } from '../throughput.ts';
import { SUBMIT_CONCURRENCY } from './submit.ts';

const CANCEL_CONCURRENCY = 32;
/** More pending tasks than the cancels are expected to get through in their window. */
const PENDING_TASKS = 6_000;
const PREPARE_LIMIT_MS = 30_000;

export const cancelScenario: Scenario = {
  name: 'cancel',
  async run(context) {
    const gateway = await context.startGateway();
    const account = await context.newAccount(2_000_000_000);
    const client = new GraphQLHttpClient(gateway.url, account.apiKey, Math.max(CANCEL_CONCURRENCY, SUBMIT_CONCURRENCY));
    try {
      context.log(`cancel: submitting up to ${PENDING_TASKS} pending tasks to cancel`);
      const pending: string[] = [];
      let toSubmit = PENDING_TASKS;
      await closedLoop({
        concurrency: SUBMIT_CONCURRENCY,
        durationMs: PREPARE_LIMIT_MS,
        next: () =>
          toSubmit-- > 0
            ? async () => {
                pending.push(await submitTask(client));
              }
            : undefined,
      });
      context.log(`cancel: ${CANCEL_CONCURRENCY} callers cancelling ${pending.length} pending tasks, for at most ${context.settings.durationMs / 1000} s`);
      const result = await measureThroughput(gateway, 'cancelTask (pending)', {
        concurrency: CANCEL_CONCURRENCY,
        durationMs: context.settings.durationMs,
        next: () => {
          const taskId = pending.pop();
          return taskId === undefined ? undefined : () => cancelTask(client, taskId);
        },
      });
      const ranOut = pending.length === 0 ? ['The pending tasks ran out before the time was up: the window is shorter than planned.'] : [];
      return {
        heading: 'cancel',
        intro: `\`cancelTask\` of PENDING image-fast tasks of one account (submitted beforehand, each cancelled once, newest first) from ${CANCEL_CONCURRENCY} callers. Each cancel locks the task row and writes the task, its full REFUND (which updates the account's balance row) and its CANCELLED event in one transaction.`,
        header: THROUGHPUT_HEADER,
        rows: [throughputRow(result)],
        notes: [...throughputNotes(result), ...ranOut],
      };
    } finally {
      client.close();
      await gateway.stop();
    }
  },
};
