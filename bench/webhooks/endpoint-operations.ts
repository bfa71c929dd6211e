import type { GraphQLHttpClient } from '../graphql-http.ts';

const CREATE = `mutation CreateEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    __typename
    ... on WebhookEndpointSecret { secret endpoint { id } }
    ... on InvalidParamError { param }
    ... on Error { code message }
  }
}`;
const SET_ENABLED = `mutation SetEnabled($id: ID!, $enabled: Boolean!) {
  updateWebhookEndpoint(id: $id, input: { enabled: $enabled }) { __typename ... on WebhookEndpoint { id enabled } ... on Error { code message } }
}`;

interface Created {
  __typename: string;
  secret?: string;
  endpoint?: { id: string };
}

interface Updated {
  __typename: string;
  enabled?: boolean;
}

export interface CreatedEndpoint {
  id: string;
  /** The `whsec_` secret, shown this once. */
  secret: string;
}

/** An endpoint of the client's account sent every event of it; any refusal fails the run, as setup. */
export async function createEndpoint(client: GraphQLHttpClient, url: string): Promise<CreatedEndpoint> {
  const reply = await client.request<{ createWebhookEndpoint?: Created }>(CREATE, { input: { url } });
  const created = reply.data?.createWebhookEndpoint;
  if (created?.__typename !== 'WebhookEndpointSecret' || created.secret === undefined || created.endpoint === undefined) {
    throw new Error(`createWebhookEndpoint(${url}): ${JSON.stringify(created ?? reply.errors ?? reply.status)}`);
  }
  return { id: created.endpoint.id, secret: created.secret };
}

/** Disabling stops deliveries where they are (the lease of a turn in flight ends with it); enabling resumes them there. */
export async function setEndpointEnabled(client: GraphQLHttpClient, id: string, enabled: boolean): Promise<void> {
  const reply = await client.request<{ updateWebhookEndpoint?: Updated }>(SET_ENABLED, { id, enabled });
  const updated = reply.data?.updateWebhookEndpoint;
  if (updated?.__typename !== 'WebhookEndpoint' || updated.enabled !== enabled) {
    throw new Error(`updateWebhookEndpoint(${id}, enabled: ${enabled}): ${JSON.stringify(updated ?? reply.errors ?? reply.status)}`);
  }
}
