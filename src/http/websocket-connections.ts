import type { IncomingMessage } from 'node:http';
import { handleProtocols, type Server as GraphQLWsServer } from 'graphql-ws';
import type { Logger } from 'pino';
import { type WebSocket, type WebSocketServer } from 'ws';

/** What graphql-ws hands each operation of a socket, besides its own context. */
export interface SocketExtra {
  socket: WebSocket;
  request: IncomingMessage;
}

export interface ConnectionLimits {
  /** A socket that does not answer a ping within this is dropped. */
  keepAliveMs: number;
  /** Bytes a socket may hold unsent before it is dropped: its client has stopped reading. */
  maxUnsentBytes: number;
}

/** graphql-ws's close code for a message that breaks its protocol: the client's fault. */
const BAD_REQUEST = 4400;
const GOING_AWAY = 1001;

/**
 * Carries graphql-ws's protocol over the sockets of `wss`: each message to
 * the protocol server, each of its frames to the socket. A message that
 * breaks the protocol closes only its own socket, with 4400 and one log line;
 * a frame the socket cannot take (over the size limit) is one line too. A
 * socket that stops reading is dropped once what it holds unsent passes the
 * limit, and one that stops answering pings within the keep-alive interval.
 */
export function serveConnections(wss: WebSocketServer, protocol: GraphQLWsServer<SocketExtra>, limits: ConnectionLimits, logger: Logger): () => Promise<void> {
  wss.options.handleProtocols = handleProtocols;
  wss.on('connection', (socket, request) => {
    socket.on('error', (error: Error & { code?: string }) => {
      logger.warn({ code: error.code, reason: error.message }, 'websocket closed for a bad frame');
    });
    let answered = true;
    socket.on('pong', () => {
      answered = true;
    });
    const keepAlive = setInterval(() => {
      if (!answered) {
        socket.terminate();
        return;
      }
      answered = false;
      socket.ping();
    }, limits.keepAliveMs);
    const closed = protocol.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) {
              resolve();
              return;
            }
            if (socket.bufferedAmount > limits.maxUnsentBytes) {
              logger.warn({ unsentBytes: socket.bufferedAmount }, 'websocket dropped: its client stopped reading');
              socket.terminate();
              resolve();
              return;
            }
            // Resolved once written out, so graphql-ws sends an operation's next result only after its last.
            socket.send(data, () => {
              resolve();
            });
          }),
        close: (code, reason) => {
          socket.close(code, reason);
        },
        onMessage: (handle) => {
          socket.on('message', (data: Buffer) => {
            handle(data.toString()).catch((error: unknown) => {
              logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'websocket closed for breaking the protocol');
              socket.close(BAD_REQUEST, 'Bad request');
            });
          });
        },
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepAlive);
      void closed(code, reason.toString());
    });
  });
  return async () => {
    for (const socket of wss.clients) socket.close(GOING_AWAY, 'server shutting down');
    await new Promise<void>((resolve, reject) => {
      wss.close((error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  };
}
