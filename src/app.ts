import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, maskError, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import { useCompiledExecution } from './http/compiled-execution.ts';
import { useComplexityLimit } from './http/complexity-limit.ts';
import { useNoIntrospection } from './http/no-introspection.ts';
import { operationLimitPlugins } from './http/operation-limits.ts';
import { useQueryStringParams } from './http/query-string-params.ts';
import { useRequestErrorStatus } from './http/request-error-status.ts';
import { useSharedStreamExecution } from './http/shared-stream-execution.ts';
import { useUnreadStreamClosing } from './http/unread-streams.ts';
import type { GatewayMetrics } from './observability/metrics.ts';
import { useOperationLog } from './observability/operation-log.ts';
import { requestIdFor, requestIdOf, useRequestId } from './observability/request-id.ts';
import { schema } from './schema/index.ts';
import type { EventHub } from './events/event-hub.ts';
import type { Context } from './schema/context.ts';
import { authenticate, bearerToken } from './auth/authenticate.ts';
import { keyIdOf } from './auth/caller.ts';
import type { RateLimiter } from './auth/rate-limiter.ts';
import type { AddressPolicy } from './webhooks/address-guard.ts';

export type App = YogaServerInstance<Record<string, unknown>, Context>;

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
  logger: Logger;
  metrics: GatewayMetrics;
  /** Per-key request limits; none when absent. */
  rateLimiter?: RateLimiter;
  /** Which addresses webhook endpoints may be saved with. */
  webhookAddresses: AddressPolicy;
  maxRunningPerAccount: number;
  nextWake: (ms: number, signal?: AbortSignal) => Promise<boolean>;
  /** Serve GraphiQL on GET /graphql. */
  graphiql: boolean;
  /** Answer introspection queries. */
  introspection: boolean;
  /** Origins a browser may call from; none sends no CORS headers. */
  corsOrigins: readonly string[];
  /** More of the server's plugins, such as tracing's. */
  plugins?: Plugin[];
}

/** What each transport hands the context factory: an HTTP request, or a WebSocket's connection. */
interface TransportContext {
  request?: Pick<Request, 'headers' | 'signal'>;
  connectionParams?: Readonly<Record<string, unknown>>;
  /** Set by the WebSocket transport, which has no request per operation. */
  requestId?: string;
}

/** The bearer key of the request: its Authorization header, or `authorization` in graphql-ws connectionParams. */
export function keyOf(transport: TransportContext): string | undefined {
  const header = transport.request?.headers.get('authorization') ?? transport.connectionParams?.authorization;
  return bearerToken(typeof header === 'string' ? header : undefined);
}

function corsOf(origins: readonly string[]) {
  if (origins.length === 0) return false;
  // Keys travel in a header, never in cookies: no credentials, so no origin can ride on a browser's session.
  return { origin: origins.includes('*') ? '*' : [...origins], credentials: false, exposedHeaders: ['x-request-id'] };
}

/** The GraphQL server as a fetch handler; nothing listens until the gateway serves it. */
export function createApp(deps: AppDeps): App {
  const plugins: Plugin[] = [
    ...useCompiledExecution(),
    ...operationLimitPlugins(),
    useComplexityLimit(),
    useQueryStringParams(),
    useRequestErrorStatus(),
    useSharedStreamExecution(),
    useUnreadStreamClosing(),
    useRequestId(),
    useOperationLog(deps.logger, deps.metrics),
  ];
  if (!deps.introspection) plugins.push(useNoIntrospection());
  plugins.push(...(deps.plugins ?? []));
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: deps.logger,
    cors: corsOf(deps.corsOrigins),
    maskedErrors: {
      isDev: false,
      maskError: (error, message, isDev) => {
        const masked = maskError(error, message, isDev);
        // An unexpected failure is logged here, once, with its stack; the client sees only the masked error.
        if (masked !== error) deps.logger.error({ err: error }, 'unexpected error');
        return masked;
      },
    },
    graphiql: deps.graphiql
      ? { title: 'taskgate', defaultQuery: EXAMPLE_QUERY, headers: '{"Authorization": "Bearer "}' }
      : false,
    // GraphiQL served whole from here, not from a CDN, so it works without internet.
    renderGraphiQL,
    plugins,
    context: async (initial: TransportContext): Promise<Context> => {
      const caller = await authenticate(keyOf(initial));
      const keyId = keyIdOf(caller);
      const rateLimited = keyId === undefined ? undefined : await deps.rateLimiter?.consume(keyId);
      if (rateLimited) deps.metrics.rateLimited.inc({ kind: caller.kind });
      const { request } = initial;
      return {
        requestId: initial.requestId ?? (request ? requestIdOf(request) : requestIdFor(undefined)),
        caller,
        events: deps.events,
        transport: initial.connectionParams ? 'websocket' : 'sse',
        webhookAddresses: deps.webhookAddresses,
        maxRunningPerAccount: deps.maxRunningPerAccount,
        nextWake: deps.nextWake,
        abortSignal: () => request?.signal,
        rateLimited,
      };
    },
  });
}
