import type { GraphQLResponse } from './graphql-http.ts';

/** A gateway in this process or another: whatever answers GraphQL over HTTP. */
interface GraphQLServer {
  gql<T>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
}

const ERRORS = '... on Error { code message } ... on InvalidParamError { param }';
const BUDGET_FIELDS = 'id name scope tag period limit thresholds action spent remaining trippedAt periodStart resetsAt';

export interface Budget {
  id: string;
  name: string | null;
  scope: string;
  tag: string | null;
  period: string;
  limit: number;
  thresholds: number[];
  action: string;
  spent: number;
  remaining: number;
  trippedAt: string | null;
  periodStart: string;
  resetsAt: string | null;
}

export interface Submitted {
  __typename: string;
  id?: string;
  code?: string;
  param?: string;
  budgetId?: string;
  scope?: string;
  limit?: number;
  spent?: number;
  resetsAt?: string | null;
  tripped?: boolean;
}

const SUBMIT = `mutation($input: SubmitTaskInput!) {
  submitTask(input: $input) { __typename ... on Task { id } ${ERRORS} ... on BudgetExceededError { budgetId scope limit spent resetsAt tripped } }
}`;

const CANCEL = `mutation($id: ID!, $reason: String, $expect: Int) {
  cancelTask(taskId: $id, reason: $reason, expectRefundAtLeast: $expect) {
    __typename ... on Task { id state creditsUsed cancelReason cancelledBy { kind id } } ${ERRORS}
    ... on RefundBelowExpectedError { refund expected taskState progress }
  }
}`;

/** The spend-control fields as one client key calls them. */
export function spendControlOf(server: GraphQLServer, apiKey: string) {
  const gql = <T>(query: string, variables: Record<string, unknown> = {}) => server.gql<T>(query, variables, apiKey);
  const data = <T>(res: GraphQLResponse<T>): T => {
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  return {
    async createBudget(input: Record<string, unknown>): Promise<Budget> {
      const res = await gql<{ createBudget: Budget & { __typename: string } }>(`mutation($input: CreateBudgetInput!) { createBudget(input: $input) { __typename ... on Budget { ${BUDGET_FIELDS} } ${ERRORS} } }`, { input });
      const budget = data(res).createBudget;
      if (budget.__typename !== 'Budget') throw new Error(`budget refused: ${JSON.stringify(budget)}`);
      return budget;
    },
    async updateBudget(id: string, input: Record<string, unknown>) {
      const res = await gql<{ updateBudget: Budget & { __typename: string } }>(`mutation($id: ID!, $input: UpdateBudgetInput!) { updateBudget(id: $id, input: $input) { __typename ... on Budget { ${BUDGET_FIELDS} } ${ERRORS} } }`, { id, input });
      return data(res).updateBudget;
    },
    async budgets(): Promise<Budget[]> {
      return data(await gql<{ account: { budgets: Budget[] } }>(`{ account { ... on Account { budgets { ${BUDGET_FIELDS} } } } }`)).account.budgets;
    },
    async submit(input: Record<string, unknown>): Promise<Submitted> {
      return data(await gql<{ submitTask: Submitted }>(SUBMIT, { input })).submitTask;
    },
    async cancel(id: string, options: { reason?: string; expect?: number } = {}) {
      return data(await gql<{ cancelTask: Record<string, unknown> & { __typename: string } }>(CANCEL, { id, ...options })).cancelTask;
    },
    async preview(id: string): Promise<{ outcome: string; refund: number; charge: number | null; retryAfterSeconds: number | null; cancelVia: string | null }> {
      const res = await gql<{ task: { cancelPreview: { outcome: string; refund: number; charge: number | null; retryAfterSeconds: number | null; cancelVia: string | null } } }>(
        'query($id: ID!) { task(id: $id) { ... on Task { cancelPreview { outcome refund charge retryAfterSeconds cancelVia } } } }',
        { id },
      );
      return data(res).task.cancelPreview;
    },
    gql,
  };
}
