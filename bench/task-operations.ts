import type { GraphQLHttpClient, GraphQLReply } from './graphql-http.ts';

/** The operations the load generator sends, selecting little so the gateway's own work dominates. */
const SUBMIT = `mutation Submit($input: SubmitTaskInput!) {
  submitTask(input: $input) { __typename ... on Task { id } ... on Error { code message } }
}`;
const CANCEL = `mutation Cancel($taskId: ID!) {
  cancelTask(taskId: $taskId) { __typename ... on Task { id state } ... on Error { code message } }
}`;
const TASK = `query Task($id: ID!) {
  task(id: $id) { __typename ... on Task { id state progress creditsUsed updatedAt } ... on Error { code message } }
}`;

interface TaskOrError {
  __typename: string;
  id?: string;
  state?: string;
  code?: string;
  message?: string;
}

function taskOf<K extends string>(reply: GraphQLReply<Record<K, TaskOrError>>, field: K): TaskOrError & { id: string } {
  const result = reply.data?.[field];
  if (result?.__typename !== 'Task' || result.id === undefined) {
    throw new Error(`${field}: ${JSON.stringify(result ?? reply.errors ?? reply.status)}`);
  }
  return { ...result, id: result.id };
}

/** Submits one task; resolves with its global id. */
export async function submitTask(client: GraphQLHttpClient, model = 'image-fast', input: unknown = { prompt: 'bench' }): Promise<string> {
  const reply = await client.request<Record<'submitTask', TaskOrError>>(SUBMIT, { input: { model, input } });
  return taskOf(reply, 'submitTask').id;
}

export async function cancelTask(client: GraphQLHttpClient, taskId: string): Promise<void> {
  const task = taskOf(await client.request<Record<'cancelTask', TaskOrError>>(CANCEL, { taskId }), 'cancelTask');
  if (task.state !== 'CANCELLED') throw new Error(`cancelTask left ${String(task.state)}`);
}

export async function readTask(client: GraphQLHttpClient, id: string): Promise<void> {
  taskOf(await client.request<Record<'task', TaskOrError>>(TASK, { id }), 'task');
}

/** PostGraphile's own field for the same row and columns, by the row's primary key. */
const TASK_BY_ROW_ID = `query Task($id: UUID!) { taskByRowId(rowId: $id) { id state progress creditsUsed updatedAt } }`;

export async function readTaskByRowId(client: GraphQLHttpClient, rowId: string): Promise<void> {
  const reply = await client.request<{ taskByRowId: { state?: string } | null }>(TASK_BY_ROW_ID, { id: rowId });
  if (!reply.data?.taskByRowId?.state) throw new Error(`taskByRowId: ${JSON.stringify(reply.errors ?? reply.status)}`);
}
