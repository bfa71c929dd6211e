import { clientOf } from '../helpers/client.ts';
import type { TestGateway } from '../helpers/gateway.ts';

/**
 * Submits and cancels tasks of the account in a loop, so that streams opened
 * by a storm get live events to run their selections on, not only their
 * first answer.
 */
export function churn(gateway: TestGateway, apiKey: string, everyMs = 40) {
  const client = clientOf(gateway, apiKey);
  const state = { running: true };
  let changes = 0;
  const loop = (async () => {
    while (state.running) {
      const task = await client.submit({ model: 'upscale', input: { churn: changes } });
      await client.cancel({ taskId: task.id });
      changes += 2;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    /** Stops the loop; resolves with how many changes it made. */
    async stop(): Promise<number> {
      state.running = false;
      await loop;
      return changes;
    },
  };
}
