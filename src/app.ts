import { randomUUID } from 'node:crypto';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { useQueryStringParams } from './http/query-string-params.ts';
import { useRequestErrorStatus } from './http/request-error-status.ts';
import { useSharedStreamExecution } from './http/shared-stream-execution.ts';
import { schema } from './schema/index.ts';
import type { EventHub } from './events/event-hub.ts';
import type { Context } from './schema/context.ts';
import { authenticate, bearerToken, type Caller } from './services/authenticate.ts';
import type { RateLimiter } from './services/rate-limiter.ts';

export type App = YogaServerInstance<Record<string, unknown>, Context>;

export const OPERATION_LIMITS = { aliases: 30, tokens: 5_000 };

const EXAMPLE_QUERY = `# Set your API key in the Headers tab: {"Authorization": "Bearer tg_api_..."}
mutation Submit {
  submitTask(input: { model: "image-fast", input: { prompt: "a lighthouse at dusk" } }) {
    __typename
    ... on Task { id state creditsUsed }
    ... on Error { code message }
  }
}

query Account {
  account {
    ... on Account { balance ledger(first: 5) { edges { node { kind amount balanceAfter } } } }
    ... on Error { code message }
  }
}
`;

export interface AppDeps {
  events: EventHub;
  /** Per-key request limits; none when absent. */
  rateLimiter?: RateLimiter;
}

function keyIdOf(caller: Caller): string | undefined {
  if (caller.kind === 'client') return caller.apiKeyId;
  if (caller.kind === 'worker') return caller.workerKeyId;
  return undefined;
}

/** What each transport hands the context factory: an HTTP request, or a WebSocket's connection. */
interface TransportContext {
  request?: Request;
  connectionParams?: Readonly<Record<string, unknown>>;
  backedUp?: () => boolean;
}

/** The bearer key of the request: its Authorization header, or `authorization` in graphql-ws connectionParams. */
export function keyOf(transport: TransportContext): string | undefined {
  const header = transport.request?.headers.get('authorization') ?? transport.connectionParams?.authorization;
  return bearerToken(typeof header === 'string' ? header : undefined);
}

/** The GraphQL server as a fetch handler; nothing listens until main.ts serves it. */
export function createApp(deps: AppDeps): App {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    maskedErrors: { isDev: false },
    graphiql: { title: 'taskgate', defaultQuery: EXAMPLE_QUERY, headers: '{"Authorization": "Bearer "}' },
    // GraphiQL served whole from here, not from a CDN, so it works without internet.
    renderGraphiQL,
    plugins: [
      maxAliasesPlugin({ n: OPERATION_LIMITS.aliases }),
      maxTokensPlugin({ n: OPERATION_LIMITS.tokens }),
      useQueryStringParams(),
      useRequestErrorStatus(),
      useSharedStreamExecution(),
    ],
    context: async (initial: TransportContext): Promise<Context> => {
      const caller = await authenticate(keyOf(initial));
      const keyId = keyIdOf(caller);
      return {
        requestId: initial.request?.headers.get('x-request-id') ?? randomUUID(),
        caller,
        events: deps.events,
        backedUp: initial.backedUp,
        rateLimited: keyId === undefined ? undefined : deps.rateLimiter?.check(keyId),
      };
    },
  });
}
