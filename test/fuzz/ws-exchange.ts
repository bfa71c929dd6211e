import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { leaksIn } from '../helpers/leaks.ts';
import type { FuzzOperation } from './random-operation.ts';

/** What one operation over a graphql-ws connection got within its time. */
export interface WsOutcome {
  /** Every `next` payload and the error, as the client received them, as JSON text. */
  text: string;
  results: number;
  problems: string[];
}

/**
 * Closes a server may end a connection with for a client of this kind: a
 * normal one, 1009 for a message over the size limit (which ends every
 * operation on that socket), 4403 for a key that is not a client's. Any
 * other (4500, 1011, 4400…) is a fault.
 */
function expectedClose(code: number, mayBeRefused: boolean): boolean {
  return code === 1000 || code === 1009 || (mayBeRefused && code === 4403);
}

/**
 * One graphql-ws client as a service would open it, with `authorization` in
 * connectionParams; it reconnects lazily, so a refused connection is tried
 * again by the next operation. `mayBeRefused` says the key is not a client's.
 */
export function wsSession(httpUrl: string, authorization: string | undefined, mayBeRefused: boolean) {
  const closes: { code: number; reason: string }[] = [];
  const client: Client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: authorization === undefined ? {} : { authorization },
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes.push({ code, reason });
      },
    },
  });

  return {
    /** Runs `operation` for up to `ms` (or to its end), then stops it. */
    run(operation: FuzzOperation, ms: number): Promise<WsOutcome> {
      const received: unknown[] = [];
      const closedBefore = closes.length;
      return new Promise((resolve) => {
        let unsubscribe = (): void => undefined;
        const finish = (): void => {
          clearTimeout(timer);
          unsubscribe();
          const text = JSON.stringify(received, (_key, value: unknown) => (value instanceof Error ? { message: value.message } : value));
          const problems = leaksIn(text).concat(
            closes
              .slice(closedBefore)
              .filter((close) => !expectedClose(close.code, mayBeRefused))
              .map((close) => `socket closed ${close.code} ${close.reason}`),
            ...closes.slice(closedBefore).map((close) => leaksIn(close.reason)),
          );
          const results = received.filter((item) => typeof item === 'object' && item !== null && 'data' in item).length;
          if (mayBeRefused && results > 0) problems.push('a refused key got results');
          resolve({ text, results, problems });
        };
        const timer = setTimeout(finish, ms);
        unsubscribe = client.subscribe(operation, {
          next: (value) => received.push(value),
          error: (error) => {
            received.push(error);
            finish();
          },
          complete: finish,
        });
      });
    },
    dispose: () => client.dispose(),
  };
}

export type WsSession = ReturnType<typeof wsSession>;
