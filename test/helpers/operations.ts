/** The GraphQL documents the tests send, written as a client would. */

export const TASK_FIELDS = `
  id outTaskId model runner state progress input output error creditsUsed attempts
  createdAt startedAt finishedAt cancelledAt updatedAt
  ledgerEntries { kind amount balanceAfter }
`;

const ERROR_FIELDS = `... on Error { message code status retryable } ... on InvalidParamError { param }`;

export const SUBMIT = `
  mutation Submit($input: SubmitTaskInput!) {
    submitTask(input: $input) {
      __typename ... on Task { ${TASK_FIELDS} } ${ERROR_FIELDS}
      ... on InsufficientCreditsError { required available }
      ... on IdempotencyConflictError { taskId }
    }
  }`;

export const CANCEL = `
  mutation Cancel($taskId: ID, $outTaskId: String) {
    cancelTask(taskId: $taskId, outTaskId: $outTaskId) {
      __typename ... on Task { ${TASK_FIELDS} } ${ERROR_FIELDS}
      ... on ConflictError { retryAfterSeconds taskState }
      ... on OperationNotSupportedError { runner cancelVia }
    }
  }`;

export const TASK = `
  query Task($id: ID, $outTaskId: String) {
    task(id: $id, outTaskId: $outTaskId) { __typename ... on Task { ${TASK_FIELDS} } ${ERROR_FIELDS} }
  }`;

export interface TaskResult {
  __typename: string;
  id: string;
  outTaskId: string | null;
  model: string;
  runner: string;
  state: string;
  progress: number;
  input: unknown;
  creditsUsed: number | null;
  attempts: number;
  cancelledAt: string | null;
  finishedAt: string | null;
  ledgerEntries: { kind: string; amount: number; balanceAfter: number }[];
  message?: string;
  code?: string;
  status?: number;
  retryable?: boolean;
  param?: string | null;
  required?: number;
  available?: number;
  retryAfterSeconds?: number;
  taskState?: string;
  taskId?: string;
  cancelVia?: string;
}
