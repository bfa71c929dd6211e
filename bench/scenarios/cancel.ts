import { closedLoop } from '../closed-loop.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { Scenario } from '../scenario.ts';
import { cancelTask, submitTask } from '../task-operations.ts';
import { measureThroughput, type Throughput, THROUGHPUT_HEADER, throughputNotes, throughputRow } from '../throughput.ts';
import { openListeners } from '../ws-listeners.ts';
import { SUBMIT_CONCURRENCY } from './submit.ts';

const CANCEL_CONCURRENCY = 32;
/** More pending tasks than the two cancel windows are expected to get through. */
const PENDING_TASKS = 9_000;
const PREPARE_LIMIT_MS = 40_000;
/** Streams of the same account, each hearing every cancel. */
const LISTENERS = 10;

function rate(result: Throughput): number {
  return (result.loop.latencies.length * 1000) / result.loop.elapsedMs;
}

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
      const cancelWindow = (operation: string): Promise<Throughput> => {
        context.log(`cancel: ${CANCEL_CONCURRENCY} callers, ${operation}, ${pending.length} pending tasks left`);
        return measureThroughput(gateway, operation, {
          concurrency: CANCEL_CONCURRENCY,
          durationMs: context.settings.durationMs,
          next: () => {
            const taskId = pending.pop();
            return taskId === undefined ? undefined : () => cancelTask(client, taskId);
          },
        });
      };
      const quiet = await cancelWindow('cancelTask (pending)');
      const listeners = await openListeners({
        url: gateway.url,
        apiKey: account.apiKey,
        listeners: LISTENERS,
        perSocket: 1,
        query: 'subscription { taskEvents { cursor type state } }',
        connectConcurrency: LISTENERS,
      });
      let streamed: Throughput;
      try {
        streamed = await cancelWindow(`cancelTask (pending), ${LISTENERS} taskEvents listeners`);
      } finally {
        await listeners.close();
      }
      const ranOut = pending.length === 0 ? ['The pending tasks ran out before the time was up: the last window is shorter than planned.'] : [];
      const ratio = `With ${LISTENERS} listeners hearing every cancel, cancel throughput was ${((rate(streamed) / rate(quiet)) * 100).toFixed(0)}% of that without (the listeners' deliveries run on the same gateway); ${listeners.received().toLocaleString('en')} events were delivered to them.`;
      return {
        heading: 'cancel',
        intro:
          `\`cancelTask\` of PENDING image-fast tasks of one account (submitted beforehand, each cancelled once, newest first) from ${CANCEL_CONCURRENCY} callers. Each cancel locks the task row and writes the task, its full REFUND (which updates the account's balance row) and its CANCELLED event in one transaction. ` +
          'Then the same again while streams listen: NOTIFY is sent after the commit, coalesced, never inside the cancel\'s transaction, so the write path itself is not slowed by listeners.',
        header: THROUGHPUT_HEADER,
        rows: [throughputRow(quiet), throughputRow(streamed)],
        notes: [ratio, ...throughputNotes(quiet), ...throughputNotes(streamed), ...ranOut],
      };
    } finally {
      client.close();
      await gateway.stop();
    }
  },
};
