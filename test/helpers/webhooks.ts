import type { GraphQLResponse } from './graphql-http.ts';

/** The settings a test gateway needs to call a receiver on this machine quickly. */
export const WEBHOOK_TEST_ENV = {
  TASKGATE_WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.1',
  TASKGATE_WEBHOOK_RETRY_BASE_MS: '50',
  TASKGATE_WEBHOOK_RETRY_MAX_MS: '200',
  TASKGATE_WEBHOOK_POLL_MS: '50',
  TASKGATE_WEBHOOK_TIMEOUT_MS: '1000',
  TASKGATE_WEBHOOK_LEASE_MS: '2000',
};

const ENDPOINT_FIELDS = 'id url description eventTypes models enabled disabledReason failingSince nextRetryAt previousSecretExpiresAt';
const ERRORS = '... on Error { code message } ... on InvalidParamError { param }';

export const CREATE_ENDPOINT = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { __typename ... on WebhookEndpointSecret { secret endpoint { ${ENDPOINT_FIELDS} } } ${ERRORS} }
}`;
export const UPDATE_ENDPOINT = `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) { __typename ... on WebhookEndpoint { ${ENDPOINT_FIELDS} } ${ERRORS} }
}`;
export const ROTATE_SECRET = `mutation($id: ID!, $overlap: Int!) {
  rotateWebhookEndpointSecret(id: $id, overlapSeconds: $overlap) { __typename ... on WebhookEndpointSecret { secret endpoint { ${ENDPOINT_FIELDS} } } ${ERRORS} }
}`;
export const DELETE_ENDPOINT = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { __typename ... on DeletedWebhookEndpoint { id } ${ERRORS} } }`;
export const REDELIVER = `mutation($id: ID!, $cursor: String!) {
  redeliverWebhookEvent(endpointId: $id, cursor: $cursor) { __typename ${ERRORS} }
}`;
export const REPLAY = `mutation($id: ID!, $after: String) { replayWebhookEndpoint(id: $id, after: $after) { __typename ${ERRORS} } }`;
export const ENDPOINTS = `{ account { ... on Account { webhookEndpoints { ${ENDPOINT_FIELDS} } } } }`;
export const DELIVERIES = `query($id: ID!) {
  node(id: $id) { ... on WebhookEndpoint { deliveries(first: 100) { edges { node { webhookId type attempt outcome status latencyMs error nextAttemptAt } } } } }
}`;

export interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  models: string[];
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  nextRetryAt: string | null;
  previousSecretExpiresAt: string | null;
}

export interface Delivery {
  webhookId: string;
  type: string;
  attempt: number;
  outcome: string;
  status: number | null;
  latencyMs: number;
  error: string | null;
  nextAttemptAt: string | null;
}

/** A gateway in this process or another: whatever answers GraphQL over HTTP. */
interface GraphQLServer {
  gql<T>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
}

/** The webhook fields as one client key calls them. */
export function webhooksOf(server: GraphQLServer, apiKey: string) {
  const gql = <T>(query: string, variables: Record<string, unknown>, key: string) => server.gql<T>(query, variables, key);
  return {
    async create(input: { url: string; eventTypes?: string[]; models?: string[]; description?: string }) {
      const res = await gql<{ createWebhookEndpoint: { __typename: string; secret?: string; endpoint?: Endpoint; code?: string; param?: string; message?: string } }>(
        CREATE_ENDPOINT,
        { input },
        apiKey,
      );
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.createWebhookEndpoint;
    },
    /** A new endpoint, failing the test when it is refused. */
    async created(input: { url: string; eventTypes?: string[]; models?: string[] }): Promise<{ endpoint: Endpoint; secret: string }> {
      const result = await this.create(input);
      if (!result.endpoint || !result.secret) throw new Error(`endpoint refused: ${JSON.stringify(result)}`);
      return { endpoint: result.endpoint, secret: result.secret };
    },
    async update(id: string, input: Record<string, unknown>) {
      const res = await gql<{ updateWebhookEndpoint: Partial<Endpoint> & { __typename: string; code?: string; param?: string } }>(UPDATE_ENDPOINT, { id, input }, apiKey);
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.updateWebhookEndpoint;
    },
    async rotate(id: string, overlap: number) {
      const res = await gql<{ rotateWebhookEndpointSecret: { __typename: string; secret?: string; endpoint?: Endpoint } }>(ROTATE_SECRET, { id, overlap }, apiKey);
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.rotateWebhookEndpointSecret;
    },
    async remove(id: string) {
      const res = await gql<{ deleteWebhookEndpoint: { __typename: string } }>(DELETE_ENDPOINT, { id }, apiKey);
      return res.data?.deleteWebhookEndpoint;
    },
    async redeliver(id: string, cursor: string) {
      const res = await gql<{ redeliverWebhookEvent: { __typename: string; code?: string } }>(REDELIVER, { id, cursor }, apiKey);
      return res.data?.redeliverWebhookEvent;
    },
    async replay(id: string, after: string | null) {
      const res = await gql<{ replayWebhookEndpoint: { __typename: string; code?: string } }>(REPLAY, { id, after }, apiKey);
      return res.data?.replayWebhookEndpoint;
    },
    async list(): Promise<Endpoint[]> {
      const res = await gql<{ account: { webhookEndpoints: Endpoint[] } }>(ENDPOINTS, {}, apiKey);
      return res.data?.account.webhookEndpoints ?? [];
    },
    async deliveries(id: string): Promise<Delivery[]> {
      const res = await gql<{ node: { deliveries: { edges: { node: Delivery }[] } } | null }>(DELIVERIES, { id }, apiKey);
      return res.data?.node?.deliveries.edges.map((edge) => edge.node) ?? [];
    },
  };
}
