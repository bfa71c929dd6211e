import { Pool } from 'undici';
import type { Dispatcher } from 'undici';

export interface GraphQLReply<T> {
  status: number;
  data?: T;
  errors?: { message: string }[];
}

/**
 * GraphQL over HTTP with kept-alive connections, one per concurrent caller,
 * through undici's pool, each answer collected by a dispatch handler of its
 * own rather than through a response stream: the load generator shares its
 * cores with the servers under test, so the less it spends a request, the
 * less it takes from what it measures.
 */
export class GraphQLHttpClient {
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(url: string, apiKey: string, connections: number) {
    const target = new URL(url);
    this.pool = new Pool(target.origin, { connections, pipelining: 1 });
    this.path = target.pathname;
    this.headers = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${apiKey}`,
    };
  }

  request<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLReply<T>> {
    return new Promise((resolve, reject) => {
      let status = 0;
      const chunks: Buffer[] = [];
      // undici takes a handler for its current interface by its onRequestStart.
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart: () => undefined,
        onResponseStart: (_controller, statusCode) => {
          status = statusCode;
        },
        onResponseData: (_controller, chunk) => {
          chunks.push(chunk);
        },
        onResponseEnd: () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<GraphQLReply<T>, 'status'>;
            resolve({ status, ...parsed });
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        onResponseError: (_controller, error) => {
          reject(error);
        },
      };
      this.pool.dispatch({ path: this.path, method: 'POST', headers: this.headers, body: JSON.stringify({ query, variables }) }, handler);
    });
  }

  close(): void {
    void this.pool.destroy();
  }
}
