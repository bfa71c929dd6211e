import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type DocumentNode, type ExecutionArgs, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, bearerToken } from '../auth/authenticate.ts';
import { graphQLError } from '../schema/graphql-error.ts';
import type { Enveloped, GraphQLHandler } from './graphql-handler.ts';
import { MAX_BODY_BYTES } from './body-limit.ts';
import { beforeSend } from './send-coalescing.ts';

/** A listener whose unsent data passes this is cut off rather than buffered without end. */
export const MAX_SEND_BUFFER = 4 * 1024 * 1024;
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

/**
 * GraphQL over WebSocket (the graphql-transport-ws protocol) on the same
 * server and path as HTTP, through the same yoga plugins. The API key comes in
 * connectionParams (`{ "authorization": "Bearer tg_api_..." }`); a connection
 * without a valid one is refused (4403), one whose key cannot be checked for
 * now is told to try again later (1013). Sockets that do not answer a ping
 * within the keep-alive interval are dropped.
 */
export function attachWebSocket(server: Server, app: GraphQLHandler, logger: Logger): WebSocketTransport {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  const transports = new WeakMap<WebSocket, Duplex>();
  wss.on('connection', (socket, request) => {
    transports.set(socket, request.socket);
  });

  const disposable = useServer(
    {
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
      onSubscribe: async (ctx, _id, params) => {
        const socket = ctx.extra.socket;
        const pipeline = app.getEnveloped({
          connectionParams: ctx.connectionParams,
          backedUp: () => socket.bufferedAmount > MAX_SEND_BUFFER,
          params,
        });
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
          // Thrown here, it would close the socket and every other operation on it with 4500.
          return [unexpectedError()];
        }
        const args: ExecutionArgs = {
          schema: pipeline.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue,
          rootValue: { execute: pipeline.execute, subscribe: pipeline.subscribe },
        };
        let errors: readonly GraphQLError[];
        try {
          errors = pipeline.validate(args.schema, args.document);
        } catch (error) {
          // Some rules throw rather than report (the alias limit; graphql-js on a directive's
          // missing variable): thrown from here, it would close the socket with 4500.
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        return errors.length > 0 ? errors : args;
      },
      onNext: (ctx) => {
        const transport = transports.get(ctx.extra.socket);
        if (transport) beforeSend(transport);
      },
      onError: (_ctx, _id, _params, errors) => maskUnexpected(errors),
      // Internal failures close sockets with a fixed reason, never the error's own message.
      isProd: true,
    },
    wss,
    KEEPALIVE_MS,
  );
  // Registered after graphql-ws's own handler, to replace the listener it gives each socket: a
  // client's oversized or malformed frame is the client's fault, worth one line, not a stack.
  wss.on('connection', (socket) => {
    socket.removeAllListeners('error');
    socket.on('error', (error: Error & { code?: string }) => {
      logger.warn({ code: error.code, reason: error.message }, 'websocket closed for a bad frame');
    });
  });

  return {
    async close() {
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      await disposable.dispose();
    },
  };
}
