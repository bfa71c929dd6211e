import type { BenchGateway } from '../gateway.ts';
import { GraphQLHttpClient } from '../graphql-http.ts';
import type { BenchContext } from '../scenario.ts';
import { createEndpoint, type CreatedEndpoint, setEndpointEnabled } from './endpoint-operations.ts';
import type { Inbox } from './inbox.ts';
import type { WebhookReceiver } from './receiver.ts';

/** Enough for every submit of the scenario. */
const CREDITS = 2_000_000_000;
/** Kept-alive connections of an account's client: as many as the most callers any run gives one account. */
const CONNECTIONS = 32;

/** The gateway under test, the receiver its endpoints point at, and every client made, which the scenario closes. */
export interface WebhookArena {
  context: BenchContext;
  gateway: BenchGateway;
  receiver: WebhookReceiver;
  clients: GraphQLHttpClient[];
}

/** A fresh account, its client, and its endpoints on the receiver, each with the inbox it fills. */
export interface HookedAccount {
  accountId: string;
  client: GraphQLHttpClient;
  endpoints: CreatedEndpoint[];
  inboxes: Inbox[];
}

export async function newHookedAccount(arena: WebhookArena): Promise<HookedAccount> {
  const { accountId, apiKey } = await arena.context.newAccount(CREDITS);
  const client = new GraphQLHttpClient(arena.gateway.url, apiKey, CONNECTIONS);
  arena.clients.push(client);
  return { accountId, client, endpoints: [], inboxes: [] };
}

/** `count` more endpoints of the account, each sent every event of it committed from now on. */
export async function addEndpoints(arena: WebhookArena, account: HookedAccount, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const { url, inbox } = arena.receiver.open(`${account.accountId}-${account.endpoints.length}`);
    const endpoint = await createEndpoint(account.client, url);
    inbox.signedWith(endpoint.secret);
    account.endpoints.push(endpoint);
    account.inboxes.push(inbox);
  }
}

export async function setEndpointsEnabled(account: HookedAccount, enabled: boolean): Promise<void> {
  for (const endpoint of account.endpoints) await setEndpointEnabled(account.client, endpoint.id, enabled);
}
