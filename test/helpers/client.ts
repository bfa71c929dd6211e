import type { TestGateway } from './gateway.ts';
import { CANCEL, SUBMIT, TASK, type TaskResult } from './operations.ts';

export interface SubmitInput {
  model: string;
  runner?: string;
  input?: unknown;
  outTaskId?: string;
  priority?: number;
  startWithinSeconds?: number;
  maxRunSeconds?: number;
}

/** The client fields of a task, as one API key calls them. */
export function clientOf(gateway: TestGateway, apiKey: string) {
  return {
    async submit(input: SubmitInput): Promise<TaskResult> {
      const res = await gateway.gql<{ submitTask: TaskResult }>(SUBMIT, { input }, apiKey);
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.submitTask;
    },
    async cancel(ref: { taskId?: string; outTaskId?: string }): Promise<TaskResult> {
      const res = await gateway.gql<{ cancelTask: TaskResult }>(CANCEL, ref, apiKey);
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.cancelTask;
    },
    async task(ref: { id?: string; outTaskId?: string }): Promise<TaskResult> {
      const res = await gateway.gql<{ task: TaskResult }>(TASK, ref, apiKey);
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.task;
    },
  };
}
