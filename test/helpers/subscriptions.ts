import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface StreamResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Results of one subscription as they arrive, whichever the transport. */
export interface Subscription<T> {
  /** The next result, or undefined when the stream ended; fails after `ms`. */
  next(ms?: number): Promise<StreamResult<T> | undefined>;
  /** The next `count` results. */
  take(count: number, ms?: number): Promise<StreamResult<T>[]>;
  close(): Promise<void>;
}

/** Turns pushed results into awaited ones. */
function queue<T>() {
  const items: (StreamResult<T> | undefined)[] = [];
  const waiters: ((item: StreamResult<T> | undefined) => void)[] = [];
  return {
    push(item: StreamResult<T> | undefined) {
      const waiter = waiters.shift();
      if (waiter) waiter(item);
      else items.push(item);
    },
    next(ms = 5_000): Promise<StreamResult<T> | undefined> {
      if (items.length > 0) return Promise.resolve(items.shift());
      return new Promise((resolve, reject) => {
        const waiter = (item: StreamResult<T> | undefined): void => {
          clearTimeout(timer);
          resolve(item);
        };
        const timer = setTimeout(() => {
          // A result arriving later must wait for the next call, not go to this expired one.
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no result within ${ms} ms`));
        }, ms);
        waiters.push(waiter);
      });
    },
  };
}

async function take<T>(next: (ms?: number) => Promise<StreamResult<T> | undefined>, count: number, ms?: number) {
  const results: StreamResult<T>[] = [];
  for (let i = 0; i < count; i++) {
    const result = await next(ms);
    if (!result) throw new Error(`stream ended after ${i} of ${count} results`);
    results.push(result);
  }
  return results;
}

/** A graphql-ws client as a browser or service would open it, with the key in connectionParams. */
export function wsClient(httpUrl: string, apiKey: string | undefined): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export function subscribeWs<T>(client: Client, query: string, variables: Record<string, unknown> = {}): Subscription<T> {
  const results = queue<T>();
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        results.push(value as StreamResult<T>);
      },
      error: (error) => {
        // A refused connection arrives as a close event: its code and reason say why.
        const closed = error as { code?: number; reason?: string };
        const message =
          error instanceof Error ? error.message : closed.code ? `${closed.code} ${closed.reason ?? ''}` : JSON.stringify(error);
        results.push({ errors: Array.isArray(error) ? (error as StreamResult<T>['errors']) : [{ message }] });
        results.push(undefined);
      },
      complete: () => {
        results.push(undefined);
      },
    },
  );
  return {
    next: (ms) => results.next(ms),
    take: (count, ms) => take((wait) => results.next(wait), count, ms),
    close: () => {
      unsubscribe();
      return Promise.resolve();
    },
  };
}

/** GraphQL over SSE read off the raw response body, as a `curl -N` would see it. */
export async function subscribeSse<T>(
  url: string,
  apiKey: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Subscription<T> & { status: number }> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      accept: 'text/event-stream',
      'content-type': 'application/json',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const results = queue<T>();
  const reader = response.body?.getReader();
  const pump = async (): Promise<void> => {
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (\w+)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (event === 'next' && data) results.push(JSON.parse(data) as StreamResult<T>);
        if (event === 'complete') results.push(undefined);
        end = buffer.indexOf('\n\n');
      }
    }
    results.push(undefined);
  };
  void pump().catch(() => {
    results.push(undefined);
  });
  return {
    status: response.status,
    next: (ms) => results.next(ms),
    take: (count, ms) => take((wait) => results.next(wait), count, ms),
    close: () => {
      abort.abort();
      return Promise.resolve();
    },
  };
}
