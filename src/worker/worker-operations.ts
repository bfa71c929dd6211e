/** The worker fields as this worker calls them. */

export const CLAIM = `
  mutation Claim($models: [String!], $leaseSeconds: Int!, $waitSeconds: Int!) {
    claimTask(models: $models, leaseSeconds: $leaseSeconds, waitSeconds: $waitSeconds) {
      __typename
      ... on Task { id model attempts input }
      ... on Error { code message }
    }
  }`;

const RESULT = `__typename ... on Task { state } ... on Error { code message }`;

export const PROGRESS = `
  mutation Progress($taskId: ID!, $attempt: Int, $progress: Float!) {
    reportProgress(taskId: $taskId, attempt: $attempt, progress: $progress) { ${RESULT} }
  }`;

export const COMPLETE = `
  mutation Complete($taskId: ID!, $attempt: Int, $output: JSON) {
    completeTask(taskId: $taskId, attempt: $attempt, output: $output) { ${RESULT} }
  }`;

export interface ClaimedTask {
  __typename: 'Task';
  id: string;
  model: string;
  attempts: number;
  input: unknown;
}

export interface Refusal {
  __typename: string;
  code: string;
  message: string;
}

export type Answer = { __typename: 'Task'; state: string } | Refusal;

export function isRefusal(answer: Answer | ClaimedTask | Refusal): answer is Refusal {
  return answer.__typename !== 'Task';
}
