import type { TestGateway } from './gateway.ts';
import { TASK_FIELDS, type TaskResult } from './operations.ts';

const ERRORS = `... on Error { message code status retryable } ... on InvalidParamError { param }`;
const WORKER_ERRORS = `${ERRORS} ... on LeaseLostError { taskState }`;

const CLAIM = `
  mutation Claim($models: [String!], $leaseSeconds: Int, $waitSeconds: Int) {
    claimTask(models: $models, leaseSeconds: $leaseSeconds, waitSeconds: $waitSeconds) { __typename ... on Task { ${TASK_FIELDS} } ${ERRORS} }
  }`;

const PROGRESS = `
  mutation Progress($taskId: ID!, $progress: Float!, $attempt: Int) {
    reportProgress(taskId: $taskId, progress: $progress, attempt: $attempt) { __typename ... on Task { ${TASK_FIELDS} } ${WORKER_ERRORS} }
  }`;

const COMPLETE = `
  mutation Complete($taskId: ID!, $output: JSON, $attempt: Int) {
    completeTask(taskId: $taskId, output: $output, attempt: $attempt) { __typename ... on Task { ${TASK_FIELDS} output } ${WORKER_ERRORS} }
  }`;

const FAIL = `
  mutation Fail($taskId: ID!, $error: String!, $attempt: Int, $retryable: Boolean) {
    failTask(taskId: $taskId, error: $error, attempt: $attempt, retryable: $retryable) { __typename ... on Task { ${TASK_FIELDS} error } ${WORKER_ERRORS} }
  }`;

export interface WorkerResult extends TaskResult {
  output?: unknown;
  error?: string | null;
}

/** The worker fields as one worker key calls them. */
export function workerOf(gateway: TestGateway, workerKey: string) {
  async function call(query: string, variables: Record<string, unknown>, field: string): Promise<WorkerResult | null> {
    const res = await gateway.gql<Record<string, WorkerResult | null>>(query, variables, workerKey);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data[field] ?? null;
  }
  return {
    /** With `waitSeconds`, a long-poll claim. */
    claim: (models?: string[], leaseSeconds?: number, waitSeconds?: number) => call(CLAIM, { models, leaseSeconds, waitSeconds }, 'claimTask'),
    progress: async (taskId: string, progress: number, attempt?: number) =>
      (await call(PROGRESS, { taskId, progress, attempt }, 'reportProgress')) as WorkerResult,
    complete: async (taskId: string, output?: unknown, attempt?: number) =>
      (await call(COMPLETE, { taskId, output, attempt }, 'completeTask')) as WorkerResult,
    fail: async (taskId: string, error: string, attempt?: number, retryable?: boolean) =>
      (await call(FAIL, { taskId, error, attempt, retryable }, 'failTask')) as WorkerResult,
  };
}
