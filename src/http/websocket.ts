import type { Server } from 'node:http';
import { type DocumentNode, type ExecutionArgs, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { makeServer } from 'graphql-ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { authenticate, bearerToken } from '../auth/authenticate.ts';
import { SubscriptionLimitError } from '../domain/errors.ts';
import { graphQLError } from '../schema/graphql-error.ts';
import type { Enveloped, GraphQLHandler } from './graphql-handler.ts';
import { MAX_BODY_BYTES } from './body-limit.ts';
import { nextFrames, withFrames } from './next-frames.ts';
import { beforeSend } from './send-coalescing.ts';
import { serveConnections, type SocketExtra } from './websocket-connections.ts';

const KEEPALIVE_MS = 15_000;
/** graphql-ws clients retry on it; on 4500 they give up for good. */
const TRY_AGAIN_LATER = 1013;

/** What a client sees of a failure that is not its own (the database down, say), as over HTTP. */
function unexpectedError(): GraphQLError {
  return graphQLError('INTERNAL_SERVER_ERROR', 'Unexpected error.');
}

/** An error raised on purpose by the schema, not one from below it that may name hosts, files or queries. */
function isOwnError(error: GraphQLError): boolean {
  const cause = error.originalError;
  return cause === undefined || (cause instanceof GraphQLError && isOwnError(cause));
}

/** A stream that fails while running reaches its client masked, as an HTTP response would be. */
function maskUnexpected(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => (isOwnError(error) ? error : unexpectedError()).toJSON());
}

export interface WebSocketTransport {
  close(): Promise<void>;
}

export interface WebSocketLimits {
  /** Operations one socket may have open at once; more are refused with SUBSCRIPTION_LIMIT. */
  maxOperationsPerSocket: number;
  /** Bytes a socket may hold unsent before it is dropped. */
  maxUnsentBytes: number;
}

/**
 * GraphQL over WebSocket (the graphql-transport-ws protocol) on the same
 * server and path as HTTP, through the same yoga plugins. The API key comes in
 * connectionParams (`{ "authorization": "Bearer tg_api_..." }`); a connection
 * without a valid one is refused (4403), one whose key cannot be checked for
 * now is told to try again later (1013). Sockets that do not answer a ping
 * within the keep-alive interval are dropped.
 */
export function attachWebSocket(server: Server, app: GraphQLHandler, logger: Logger, limits: WebSocketLimits): WebSocketTransport {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  const protocol = makeServer<Record<string, unknown>, SocketExtra>({
    onConnect: async (ctx) => {
      try {
        const header = ctx.connectionParams?.authorization;
        return (await authenticate(bearerToken(typeof header === 'string' ? header : undefined))).kind === 'client';
      } catch {
        // The key could not be checked (the database is down): not a refusal, a retry later.
        ctx.extra.socket.close(TRY_AGAIN_LATER, 'Try again later');
        return false;
      }
    },
    execute: (args) => (args.rootValue as Enveloped).execute(args),
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    onSubscribe: async (ctx, id, params) => {
      // This one is among them already.
      if (Object.keys(ctx.subscriptions).length > limits.maxOperationsPerSocket) {
        const refusal = new SubscriptionLimitError('connection', limits.maxOperationsPerSocket);
        return [graphQLError(refusal.code, refusal.message, { limit: refusal.limit })];
      }
      const pipeline = app.getEnveloped({ connectionParams: ctx.connectionParams, params });
      let document: DocumentNode;
      try {
        document = pipeline.parse(params.query);
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      let contextValue: unknown;
      try {
        contextValue = await pipeline.contextFactory();
      } catch {
        // Thrown here, it would close the socket and every other operation on it.
        return [unexpectedError()];
      }
      const args: ExecutionArgs = {
        schema: pipeline.schema,
        operationName: params.operationName,
        document,
        variableValues: params.variables,
        contextValue,
        // Live events of a subscription are written straight to the socket, each payload serialized once for its listeners.
        rootValue: withFrames(
          { execute: pipeline.execute, subscribe: pipeline.subscribe },
          nextFrames(ctx.extra.socket, ctx.extra.request.socket, id, limits.maxUnsentBytes / 2),
        ),
      };
      let errors: readonly GraphQLError[];
      try {
        errors = pipeline.validate(args.schema, args.document);
      } catch (error) {
        // Some rules throw rather than report (the alias limit; graphql-js on a directive's
        // missing variable): thrown from here, it would close the socket.
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      return errors.length > 0 ? errors : args;
    },
    onNext: (ctx) => {
      beforeSend(ctx.extra.request.socket);
    },
    onError: (_ctx, _id, _params, errors) => maskUnexpected(errors),
  });
  const close = serveConnections(wss, protocol, { keepAliveMs: KEEPALIVE_MS, maxUnsentBytes: limits.maxUnsentBytes }, logger);
  return { close };
}
