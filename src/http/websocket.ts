import type { Server } from 'node:http';
import { type DocumentNode, type ExecutionArgs, GraphQLError, type GraphQLSchema } from 'graphql';
import type { OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { type App, keyOf } from '../app.ts';
import { authenticate } from '../services/authenticate.ts';
import { MAX_BODY_BYTES } from './body-limit.ts';

/** A listener whose unsent data passes this is cut off rather than buffered without end. */
export const MAX_SEND_BUFFER = 4 * 1024 * 1024;
const KEEPALIVE_MS = 15_000;

export interface WebSocketTransport {
  close(): Promise<void>;
}

interface Enveloped {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

/** The parts of yoga's enveloped pipeline an operation over WebSocket runs through. */
interface EnvelopedPipeline extends Enveloped {
  schema: GraphQLSchema;
  contextFactory: () => unknown;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
}

/**
 * GraphQL over WebSocket (the graphql-transport-ws protocol) on the same
 * server and path as HTTP, through the same yoga plugins. The API key comes in
 * connectionParams (`{ "authorization": "Bearer tg_api_..." }`); a connection
 * without a valid one is refused. Sockets that stop answering pings are dropped.
 */
export function attachWebSocket(server: Server, app: App): WebSocketTransport {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (socket) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
  });
  const keepalive = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.get(socket)) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, KEEPALIVE_MS).unref();

  const disposable = useServer(
    {
      onConnect: async (ctx) => (await authenticate(keyOf({ connectionParams: ctx.connectionParams }))).kind === 'client',
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onSubscribe: async (ctx, _id, params) => {
        const socket = ctx.extra.socket;
        const pipeline: EnvelopedPipeline = app.getEnveloped({
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
        const args: ExecutionArgs = {
          schema: pipeline.schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await pipeline.contextFactory(),
          rootValue: { execute: pipeline.execute, subscribe: pipeline.subscribe },
        };
        const errors = pipeline.validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wss,
  );

  return {
    async close() {
      clearInterval(keepalive);
      for (const socket of wss.clients) socket.close(1001, 'server shutting down');
      await disposable.dispose();
    },
  };
}
