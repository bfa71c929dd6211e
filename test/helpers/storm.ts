import type { GraphQLResponse } from './graphql-http.ts';

/** One client's connection to a gateway: an operation over HTTP as its API key. */
export type Call = (query: string, variables: Record<string, unknown>) => Promise<GraphQLResponse<Answer>>;

interface Answer {
  [field: string]: { __typename: string; state?: string } | null;
}

const SUBMIT = `mutation($input: SubmitTaskInput!) {
  submitTask(input: $input) { __typename ... on Task { state } } }`;
const CANCEL = `mutation($outTaskId: String) {
  cancelTask(outTaskId: $outTaskId) { __typename ... on Task { state } } }`;

/** An answer that was not the task: a masked failure to retry, or a transport error. */
export type Failure = GraphQLResponse<Answer> | { transport: string };

/** A failure reduced to what clients may rely on: status, whether the operation ran, the errors' messages and codes. */
export function failureShape(failure: Failure): string {
  if ('transport' in failure) return `transport: ${failure.transport}`;
  const errors = (failure.errors ?? []).map((error) => `${error.message} ${String(error.extensions?.code)}`);
  // `data` present, even null, means the operation ran and a field failed; absent, that it never ran.
  return `${failure.status} ${'data' in failure ? 'with' : 'without'} data: ${errors.join(', ')}`;
}

export interface StormReport {
  /** Every outTaskId submitted and answered with its task. */
  submitted: string[];
  /** The every-other ones also cancelled, answered with the task CANCELLED. */
  cancelled: string[];
  /** Answers that were neither the task nor a failure worth a retry (a typed error): each a bug. */
  wrong: GraphQLResponse<Answer>[];
}

export interface Storm {
  /** Keys finished so far, per client. */
  progress(): number[];
  /** Failed attempts so far, all clients together. */
  readonly failures: readonly Failure[];
  /** Lets every client finish the key in hand, then reports. */
  stop(): Promise<StormReport>;
  /** Gives up at once, retrying nothing: for a test's clean-up after a failure. */
  abandon(): Promise<void>;
}

const RETRY_MS = 100;

/**
 * Clients each submitting tasks under fresh outTaskIds, one after another,
 * and cancelling every other one, as fast as answers come. A call that fails
 * is retried with the same outTaskId until it is answered, as a client that
 * knows the API's idempotency would.
 */
export function startStorm(calls: Call[], options: { model: string; prefix: string }): Storm {
  const failures: Failure[] = [];
  const report: StormReport = { submitted: [], cancelled: [], wrong: [] };
  const done = calls.map(() => 0);
  let stopping = false;
  let abandoned = false;

  /** Retries until answered: true for the task in `state`, false for anything else typed (recorded as wrong). */
  const untilAnswered = async (call: () => Promise<GraphQLResponse<Answer>>, field: string, state: string) => {
    while (!abandoned) {
      let response: GraphQLResponse<Answer>;
      try {
        response = await call();
      } catch (error) {
        failures.push({ transport: error instanceof Error ? error.message : String(error) });
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      const answer = response.data?.[field];
      if (answer?.__typename === 'Task' && answer.state === state) return true;
      if (answer) {
        report.wrong.push(response);
        return false;
      }
      failures.push(response);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    return false;
  };

  const client = async (call: Call, index: number): Promise<void> => {
    for (let n = 0; !stopping; n++) {
      const outTaskId = `${options.prefix}-${index}-${n}`;
      const input = { model: options.model, outTaskId, input: { n } };
      if (!(await untilAnswered(() => call(SUBMIT, { input }), 'submitTask', 'PENDING'))) continue;
      report.submitted.push(outTaskId);
      if (n % 2 === 0) {
        if (!(await untilAnswered(() => call(CANCEL, { outTaskId }), 'cancelTask', 'CANCELLED'))) continue;
        report.cancelled.push(outTaskId);
      }
      done[index] = (done[index] ?? 0) + 1;
    }
  };
  const running = Promise.all(calls.map(client));

  return {
    progress: () => [...done],
    failures,
    async stop() {
      stopping = true;
      await running;
      return report;
    },
    async abandon() {
      stopping = true;
      abandoned = true;
      await running;
    },
  };
}
